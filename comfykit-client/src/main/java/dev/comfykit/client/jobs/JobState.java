package dev.comfykit.client.jobs;

/**
 * Where a job is in its life. A job moves forward only: {@code SUBMITTING → QUEUED → RUNNING →} one of the final
 * states; a re-submission after a lost prompt goes back to {@code SUBMITTING} with one more attempt.
 */
public enum JobState {
    /** Recorded, and the prompt is being sent (or is about to be). A crash here is detected by the prompt id. */
    SUBMITTING,
    /** The server accepted the prompt and holds it in its queue. */
    QUEUED,
    /** The server is executing the prompt. */
    RUNNING,
    /** Finished with outputs; the record's result holds them. */
    SUCCEEDED,
    /** Finished without outputs; the record's error says why. */
    FAILED,
    /** Cancelled by a caller before it finished. */
    CANCELLED;

    /** True for the states a job never leaves: {@link #SUCCEEDED}, {@link #FAILED} and {@link #CANCELLED}. */
    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
