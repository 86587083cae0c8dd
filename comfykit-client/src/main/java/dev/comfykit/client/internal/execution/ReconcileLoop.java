package dev.comfykit.client.internal.execution;

import dev.comfykit.client.internal.pool.ServerHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Runs {@link Reconciler} rounds for all waiting prompts of a client, one round at a time, at a cadence that fits:
 * <ul>
 * <li>fast polling (the HTTP executor, or the WebSocket executor while its socket is down): a round soon after a
 * submission, then spaced by a twentieth of the youngest prompt's age (at least 1 ms, at most 1 s), so a short job
 * is noticed within milliseconds and a long one costs about one request a second, whatever the number of prompts;
 * never closer than the last round took, so a slow server is not flooded;</li>
 * <li>safety net (the WebSocket executor with a healthy socket): a round every few seconds, catching anything the
 * events missed.</li>
 * </ul>
 * No thread waits: rounds are timer tasks and asynchronous requests.
 */
final class ReconcileLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReconcileLoop.class);
    private static final long MIN_DELAY = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_DELAY = TimeUnit.SECONDS.toNanos(1);
    private static final long PER_PROMPT_GAP = TimeUnit.MICROSECONDS.toNanos(5);

    private final Reconciler reconciler;
    private final PromptRegistry registry;
    private final ScheduledExecutorService scheduler;
    private final BooleanSupplier fastPolling;
    private final long safetyInterval;
    private final LongSupplier clock;
    private final ServerHealth health;
    private final Runnable failedWhileDown;

    private boolean roundRunning;
    private boolean closed;
    private ScheduledFuture<?> next;
    private long nextDue = Long.MAX_VALUE;
    private long requestedDue = Long.MAX_VALUE;
    private int consecutiveFailures;
    private volatile String lastFailure;
    private volatile long failingSinceNanos = -1;

    ReconcileLoop(Reconciler reconciler, PromptRegistry registry, ScheduledExecutorService scheduler,
                  BooleanSupplier fastPolling, Duration safetyInterval, LongSupplier clock, ServerHealth health,
                  Runnable failedWhileDown) {
        this.failedWhileDown = failedWhileDown;
        this.reconciler = reconciler;
        this.registry = registry;
        this.scheduler = scheduler;
        this.fastPolling = fastPolling;
        this.safetyInterval = safetyInterval.toNanos();
        this.clock = clock;
        this.health = health;
    }

    /** A prompt was accepted: make sure a round comes in time for the current cadence. */
    void kick() {
        long now = clock.getAsLong();
        scheduleAt(now + (fastPolling.getAsBoolean() ? 0 : safetyInterval));
    }

    /** Something may have been missed (a reconnect, a lost socket): run a round now. */
    void wake() {
        scheduleAt(clock.getAsLong());
    }

    /** The last failure to read the queue while it keeps failing, or {@code null} when the last round worked. */
    String lastFailure() {
        return lastFailure;
    }

    /** Since when (nanos) the rounds have been failing, or -1. */
    long failingSinceNanos() {
        return failingSinceNanos;
    }

    private synchronized void scheduleAt(long due) {
        if (closed) {
            return;
        }
        if (roundRunning) {
            requestedDue = Math.min(requestedDue, due);
            return;
        }
        if (next != null && nextDue <= due) {
            return;
        }
        if (next != null) {
            next.cancel(false);
        }
        nextDue = due;
        next = scheduler.schedule(this::runRound, Math.max(0, due - clock.getAsLong()), TimeUnit.NANOSECONDS);
    }

    private void runRound() {
        synchronized (this) {
            if (closed || roundRunning) {
                return;
            }
            roundRunning = true;
            next = null;
            nextDue = Long.MAX_VALUE;
        }
        long started = clock.getAsLong();
        List<PendingPrompt> prompts = registry.acknowledged();
        reconciler.reconcile(prompts).whenComplete((progress, error) -> afterRound(prompts, started, error));
    }

    private void afterRound(List<PendingPrompt> prompts, long started, Throwable error) {
        long now = clock.getAsLong();
        // the prompts still waiting now (the round may have finished some): one scan serves the cadence and the
        // decision whether to go on
        List<PendingPrompt> waiting = registry.acknowledged();
        if (!prompts.isEmpty()) {
            // a round is the requests the client makes anyway: while prompts wait, they are the health's evidence
            if (error != null) {
                health.recordFailure(error);
                if (health.state() == ServerHealth.State.DOWN) {
                    // the prompts that came after the server went down (a client of one server still submits to
                    // it, and a server may take prompts while failing the requests that follow them) cannot be
                    // followed either: they fail now, as those waiting when it went down did
                    failedWhileDown.run();
                }
            } else {
                health.recordSuccess();
            }
        }
        long delay;
        if (error != null) {
            consecutiveFailures++;
            if (failingSinceNanos < 0) {
                failingSinceNanos = started;
            }
            lastFailure = Failures.describe(error);
            LOG.debug("reconciliation round failed ({} in a row): {}", consecutiveFailures, lastFailure);
            delay = Math.min(MAX_DELAY, MIN_DELAY * 50L << Math.min(consecutiveFailures, 5));
        } else {
            consecutiveFailures = 0;
            failingSinceNanos = -1;
            lastFailure = null;
            delay = fastPolling.getAsBoolean() ? fastDelay(prompts.size(), waiting, now, now - started)
                    : safetyInterval;
        }
        long due;
        boolean requested;
        synchronized (this) {
            roundRunning = false;
            // a prompt acknowledged during the round asked for a round; it may be missing from the scan above
            requested = requestedDue != Long.MAX_VALUE;
            due = Math.min(requestedDue, now + delay);
            requestedDue = Long.MAX_VALUE;
        }
        if (!waiting.isEmpty() || requested) {
            scheduleAt(due);
        }
    }

    /**
     * @param polled  how many prompts the round just polled
     * @param waiting the prompts waiting now
     */
    private long fastDelay(int polled, List<PendingPrompt> waiting, long now, long roundTook) {
        long youngestAge = Long.MAX_VALUE;
        for (PendingPrompt prompt : waiting) {
            youngestAge = Math.min(youngestAge, now - prompt.registeredNanos());
        }
        long delay = youngestAge == Long.MAX_VALUE ? MIN_DELAY : Math.max(MIN_DELAY, Math.min(MAX_DELAY,
                youngestAge / 20));
        long floor = Math.max(roundTook, polled * PER_PROMPT_GAP);
        return Math.max(delay, Math.min(floor, MAX_DELAY));
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (next != null) {
            next.cancel(false);
            next = null;
        }
    }
}
