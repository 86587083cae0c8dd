package dev.comfykit.client.internal.jobs;

import dev.comfykit.client.jobs.JobRecord;
import dev.comfykit.client.jobs.JobState;
import dev.comfykit.client.jobs.JobStoreException;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/** Argument checks and messages every job store shares, so that all stores fail alike on bad input. */
public final class JobStores {

    private JobStores() {
    }

    public static void requireClaim(String owner, Instant now, Duration lease, int max) {
        if (owner == null || owner.isBlank() || owner.length() > JobRecord.MAX_ID_LENGTH) {
            throw new IllegalArgumentException("owner must be 1 to " + JobRecord.MAX_ID_LENGTH
                    + " characters naming this instance (e.g. host name and process id)");
        }
        Objects.requireNonNull(now, "now");
        if (lease == null || lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("lease must be a positive duration, got " + lease);
        }
        requireMax(max);
    }

    public static void requireList(Set<JobState> states, int max) {
        if (states == null || states.isEmpty()) {
            throw new IllegalArgumentException("states must name at least one JobState");
        }
        requireMax(max);
    }

    public static JobStoreException promptIdTaken(JobRecord job, String holder) {
        return new JobStoreException("job " + job.jobId() + ": prompt id " + job.promptId()
                + " already belongs to job " + holder + "; every job needs its own prompt id (a fresh UUID)");
    }

    private static void requireMax(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, got " + max);
        }
    }
}
