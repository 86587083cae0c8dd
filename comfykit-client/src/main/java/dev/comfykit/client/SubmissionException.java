package dev.comfykit.client;

/**
 * A prompt could not be submitted by {@link ComfyKit#submit}: the server rejected it (kind {@code VALIDATION},
 * with the per-node errors) or could not be reached. The structured reason is {@link #getError()}.
 */
public class SubmissionException extends ComfyKitException {

    private static final long serialVersionUID = 1L;

    private final transient ExecutionError error;

    public SubmissionException(ExecutionError error) {
        super(error.getMessage());
        this.error = error;
    }

    public ExecutionError getError() {
        return error;
    }
}
