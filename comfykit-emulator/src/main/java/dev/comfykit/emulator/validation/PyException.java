package dev.comfykit.emulator.validation;

/**
 * A Python exception as ComfyUI's validation would raise it ({@code KeyError: '99'}, {@code ValueError: invalid
 * literal for int() ...}); the emulator reports its type and message exactly where the real server does.
 */
public final class PyException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String type;

    public PyException(String type, String message) {
        super(message, null, false, false);
        this.type = type;
    }

    /** The Python exception class, e.g. {@code KeyError}. */
    public String type() {
        return type;
    }
}
