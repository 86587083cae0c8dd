package dev.comfykit.client.jobs;

import dev.comfykit.client.ComfyKitException;

/**
 * A job store could not do what was asked: its database is unreachable, its schema is missing or wrong, or a
 * record broke a rule of the store (a prompt id already used by another job, a field that is not JSON). A lost
 * compare-and-set is not an exception: {@link JobStore#update} answers it with an empty result.
 */
public class JobStoreException extends ComfyKitException {

    private static final long serialVersionUID = 1L;

    public JobStoreException(String message) {
        super(message);
    }

    public JobStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
