package dev.comfykit.client;

/**
 * Base of the exceptions thrown by ComfyKit.
 */
public class ComfyKitException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ComfyKitException(String message) {
        super(message);
    }

    public ComfyKitException(String message, Throwable cause) {
        super(message, cause);
    }
}
