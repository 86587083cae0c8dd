package dev.comfykit.client;

/**
 * The params do not fit the workflow: a required param is missing, a param is not declared, or a value cannot
 * become the param's type. Nothing was submitted; the message names the param and what to do.
 */
public class InvalidParameterException extends ComfyKitException {

    private static final long serialVersionUID = 1L;

    private final String param;

    public InvalidParameterException(String param, String message) {
        super(message);
        this.param = param;
    }

    public InvalidParameterException(String param, String message, Throwable cause) {
        super(message, cause);
        this.param = param;
    }

    /** The name of the offending param, or {@code null} when the problem concerns several. */
    public String getParam() {
        return param;
    }
}
