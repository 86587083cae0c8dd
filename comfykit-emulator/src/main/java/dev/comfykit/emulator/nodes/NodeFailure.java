package dev.comfykit.emulator.nodes;

/**
 * A run-time failure of a node, reported as ComfyUI's {@code execution_error} with the given Python exception
 * type (for example {@code PIL.UnidentifiedImageError}) and message.
 */
public class NodeFailure extends Exception {

    private static final long serialVersionUID = 1L;

    private final String exceptionType;

    public NodeFailure(String exceptionType, String message) {
        super(message);
        this.exceptionType = exceptionType;
    }

    public String exceptionType() {
        return exceptionType;
    }
}
