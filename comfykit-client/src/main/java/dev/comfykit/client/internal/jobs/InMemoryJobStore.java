package dev.comfykit.client.internal.jobs;

import dev.comfykit.client.jobs.JobRecord;
import dev.comfykit.client.jobs.JobState;
import dev.comfykit.client.jobs.JobStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The default {@link JobStore}: records in this JVM's memory, with the same compare-and-set and lease semantics
 * as the database stores. One lock guards both maps: every call is short and the store is not the bottleneck of a
 * job that runs for seconds, while a single lock makes each call trivially atomic.
 */
public final class InMemoryJobStore implements JobStore {

    private static final Comparator<JobRecord> BY_LEASE = Comparator
            .comparing(JobRecord::leaseUntil, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(JobRecord::createdAt).thenComparing(JobRecord::jobId);
    private static final Comparator<JobRecord> BY_AGE = Comparator.comparing(JobRecord::createdAt)
            .thenComparing(JobRecord::jobId);

    private final Clock clock;
    private final Map<String, JobRecord> byId = new HashMap<>();
    private final Map<String, String> jobIdByPromptId = new HashMap<>();

    public InMemoryJobStore() {
        this(Clock.systemUTC());
    }

    public InMemoryJobStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized boolean createIfAbsent(JobRecord job) {
        Objects.requireNonNull(job, "job");
        JobJson.requireJsonFields(job);
        if (byId.containsKey(job.jobId())) {
            return false;
        }
        requirePromptIdFree(job);
        JobRecord stored = job.withVersion(1).withUpdatedAt(clock.instant());
        byId.put(job.jobId(), stored);
        if (job.promptId() != null) {
            jobIdByPromptId.put(job.promptId(), job.jobId());
        }
        return true;
    }

    @Override
    public synchronized Optional<JobRecord> find(String jobId) {
        return Optional.ofNullable(byId.get(jobId));
    }

    @Override
    public synchronized Optional<JobRecord> findByPromptId(String promptId) {
        String jobId = jobIdByPromptId.get(promptId);
        return jobId == null ? Optional.empty() : Optional.ofNullable(byId.get(jobId));
    }

    @Override
    public synchronized Optional<JobRecord> update(JobRecord next) {
        Objects.requireNonNull(next, "next");
        JobJson.requireJsonFields(next);
        JobRecord current = byId.get(next.jobId());
        if (current == null || current.version() != next.version()) {
            return Optional.empty();
        }
        requirePromptIdFree(next);
        JobRecord stored = new JobRecord(next.jobId(), next.promptId(), next.backend(), next.server(),
                next.workflow(), next.prompt(), next.params(), next.state(), next.result(), next.error(),
                current.owner(), current.leaseUntil(), next.attempts(), current.createdAt(), clock.instant(),
                next.deliveredAt(), next.correlation(), current.version() + 1);
        byId.put(stored.jobId(), stored);
        if (!Objects.equals(current.promptId(), stored.promptId())) {
            if (current.promptId() != null) {
                jobIdByPromptId.remove(current.promptId());
            }
            if (stored.promptId() != null) {
                jobIdByPromptId.put(stored.promptId(), stored.jobId());
            }
        }
        return Optional.of(stored);
    }

    @Override
    public synchronized Set<String> renewLeases(String owner, Collection<String> jobIds, Instant until) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(until, "until");
        Set<String> renewed = new LinkedHashSet<>();
        for (String jobId : jobIds) {
            JobRecord current = byId.get(jobId);
            if (current != null && owner.equals(current.owner())) {
                byId.put(jobId, current.withLease(owner, until));
                renewed.add(jobId);
            }
        }
        return renewed;
    }

    @Override
    public synchronized List<JobRecord> claimExpired(String owner, Instant now, Duration lease, int max) {
        return claim(owner, now, lease, max, job -> !job.isFinished());
    }

    @Override
    public synchronized List<JobRecord> claimUndelivered(String owner, Instant now, Duration lease, int max) {
        return claim(owner, now, lease, max, job -> job.isFinished() && !job.isDelivered());
    }

    private List<JobRecord> claim(String owner, Instant now, Duration lease, int max, Predicate<JobRecord> which) {
        JobStores.requireClaim(owner, now, lease, max);
        // the max oldest leases in one pass (a heap whose head is the youngest kept), not a sort of every candidate
        PriorityQueue<JobRecord> oldest = new PriorityQueue<>(Math.min(max, 1024) + 1, BY_LEASE.reversed());
        for (JobRecord job : byId.values()) {
            if (which.test(job) && (job.leaseUntil() == null || job.leaseUntil().isBefore(now))) {
                oldest.add(job);
                if (oldest.size() > max) {
                    oldest.poll();
                }
            }
        }
        Instant until = now.plus(lease);
        Instant writtenAt = clock.instant();
        List<JobRecord> claimed = new ArrayList<>(oldest.size());
        for (JobRecord job : oldest) {
            JobRecord stored = job.withLease(owner, until).withUpdatedAt(writtenAt).withVersion(job.version() + 1);
            byId.put(job.jobId(), stored);
            claimed.add(stored);
        }
        claimed.sort(BY_AGE);
        return claimed;
    }

    @Override
    public synchronized List<JobRecord> listByState(Set<JobState> states, int max) {
        JobStores.requireList(states, max);
        return byId.values().stream().filter(job -> states.contains(job.state())).sorted(BY_AGE).limit(max).toList();
    }

    @Override
    public synchronized int deleteFinishedBefore(Instant cutoff) {
        Objects.requireNonNull(cutoff, "cutoff");
        List<JobRecord> old = byId.values().stream()
                .filter(job -> job.isFinished() && job.updatedAt().isBefore(cutoff)).toList();
        for (JobRecord job : old) {
            byId.remove(job.jobId());
            if (job.promptId() != null) {
                jobIdByPromptId.remove(job.promptId());
            }
        }
        return old.size();
    }

    private void requirePromptIdFree(JobRecord job) {
        if (job.promptId() == null) {
            return;
        }
        String holder = jobIdByPromptId.get(job.promptId());
        if (holder != null && !holder.equals(job.jobId())) {
            throw JobStores.promptIdTaken(job, holder);
        }
    }
}
