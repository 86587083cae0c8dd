package dev.comfykit.client.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A store as one instance sees it, that can "crash": afterwards every call of that instance fails, as if its JVM had
 * died (no renewals, no releases, no writes), while the shared store goes on for the others.
 */
public final class CrashableJobStore implements JobStore {

    private final JobStore shared;
    private volatile boolean crashed;

    public CrashableJobStore(JobStore shared) {
        this.shared = shared;
    }

    public void crash() {
        crashed = true;
    }

    private JobStore live() {
        if (crashed) {
            throw new JobStoreException("this instance crashed");
        }
        return shared;
    }

    @Override
    public void start() {
        live().start();
    }

    @Override
    public boolean createIfAbsent(JobRecord job) {
        return live().createIfAbsent(job);
    }

    @Override
    public Optional<JobRecord> find(String jobId) {
        return live().find(jobId);
    }

    @Override
    public Optional<JobRecord> findByPromptId(String promptId) {
        return live().findByPromptId(promptId);
    }

    @Override
    public Optional<JobRecord> update(JobRecord next) {
        return live().update(next);
    }

    @Override
    public Set<String> renewLeases(String owner, Collection<String> jobIds, Instant until) {
        return live().renewLeases(owner, jobIds, until);
    }

    @Override
    public List<JobRecord> claimExpired(String owner, Instant now, Duration lease, int max) {
        return live().claimExpired(owner, now, lease, max);
    }

    @Override
    public List<JobRecord> claimUndelivered(String owner, Instant now, Duration lease, int max) {
        return live().claimUndelivered(owner, now, lease, max);
    }

    @Override
    public List<JobRecord> listByState(Set<JobState> states, int max) {
        return live().listByState(states, max);
    }

    @Override
    public int deleteFinishedBefore(Instant cutoff) {
        return live().deleteFinishedBefore(cutoff);
    }
}
