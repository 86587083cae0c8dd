package dev.comfykit.client.internal.pool;

import dev.comfykit.client.internal.execution.Failures;
import dev.comfykit.client.internal.http.UnexpectedResponseException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The health of one ComfyUI server, learnt from the outcomes of the requests the client makes anyway (polls,
 * submissions, the WebSocket) and, while the server is suspect or down, from a lightweight probe ({@code GET /queue},
 * which also gives the queue depth) on the client's scheduler. While the server is up no probe runs: the reconcile
 * loop's rounds (fast polling, or the WebSocket's safety net every few seconds while prompts wait) are the requests
 * that notice trouble.
 * <p>
 * The rule, with a circuit breaker (resilience4j) per server:
 * <ul>
 * <li>A failure is a transport failure (refused, connect timeout, reset, no answer in time), a 5xx answer or a lost
 * WebSocket. Other answers (4xx) show a live server and count as successes; other failures are ignored.</li>
 * <li>Failures closer than {@link Thresholds#failureSpacing} to the previous counted one count once, so a burst of
 * parallel requests failing together is one observation, not several.</li>
 * <li>{@link Thresholds#downAfterFailures} counted failures in a row (no success between) open the breaker: the
 * server is {@link State#DOWN}, at least {@code (n - 1) * failureSpacing} after the first failure. One refused poll,
 * or a socket that reconnects, is followed by a success and only makes the server {@link State#DEGRADED} briefly.</li>
 * <li>While down, a probe runs every {@link Thresholds#downProbeInterval} (the breaker's wait in the open state, after
 * which it lets one call through); its success closes the breaker and the server is {@link State#UP} again.</li>
 * </ul>
 * Each transition is logged once.
 */
public final class ProbedServerHealth implements ServerHealth, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProbedServerHealth.class);

    /**
     * The rule's numbers.
     *
     * @param downAfterFailures counted failures in a row that make a server down
     * @param failureSpacing    failures closer than this to the last counted one are one observation
     * @param probeInterval     how often a suspect (degraded) server is probed
     * @param downProbeInterval how often a down server is probed (the breaker's wait in the open state)
     */
    public record Thresholds(int downAfterFailures, Duration failureSpacing, Duration probeInterval,
                             Duration downProbeInterval) {

        /** Death noticed in about a second (3 failures, half a second apart); recovery within a second. */
        public static final Thresholds DEFAULT = new Thresholds(3, Duration.ofMillis(500), Duration.ofMillis(500),
                Duration.ofSeconds(1));
    }

    private final String url;
    private final Supplier<CompletableFuture<Integer>> probe;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier clock;
    private final Thresholds thresholds;
    private final CircuitBreaker breaker;
    private final List<Runnable> downListeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> backListeners = new CopyOnWriteArrayList<>();
    private final List<IntConsumer> depthListeners = new CopyOnWriteArrayList<>();

    private State state = State.UP;
    private int streak;
    private long firstFailureNanos;
    private long lastCountedFailureNanos;
    private ScheduledFuture<?> nextProbe;
    private boolean probing;
    private boolean closed;
    private volatile String lastError;
    private volatile Integer queueDepth;

    /**
     * @param url   the server, for logs and messages
     * @param probe a lightweight request answering the server's queue depth (running plus pending)
     */
    public ProbedServerHealth(String url, Supplier<CompletableFuture<Integer>> probe,
                              ScheduledExecutorService scheduler, LongSupplier clock, Thresholds thresholds) {
        this.url = url;
        this.probe = probe;
        this.scheduler = scheduler;
        this.clock = clock;
        this.thresholds = thresholds;
        this.breaker = CircuitBreaker.of(url, CircuitBreakerConfig.custom()
                // a window of n calls that opens at 100% failures: n failures in a row (any success lowers the rate)
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(thresholds.downAfterFailures())
                .minimumNumberOfCalls(thresholds.downAfterFailures())
                .failureRateThreshold(100)
                .waitDurationInOpenState(thresholds.downProbeInterval())
                .permittedNumberOfCallsInHalfOpenState(1)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .build());
    }

    @Override
    public synchronized State state() {
        return state;
    }

    /** The breaker's state (for tests and diagnostics). */
    public CircuitBreaker.State breakerState() {
        return breaker.getState();
    }

    @Override
    public String lastError() {
        return lastError;
    }

    /**
     * The server's queue depth (running plus pending) as last read (by a probe or a reconcile round's {@code /queue}),
     * or {@code null} when never read.
     */
    public Integer queueDepth() {
        return queueDepth;
    }

    @Override
    public void recordQueueDepth(int depth) {
        queueDepth = depth;
        for (IntConsumer listener : depthListeners) {
            listener.accept(depth);
        }
    }

    @Override
    public void onQueueDepth(IntConsumer listener) {
        depthListeners.add(listener);
    }

    @Override
    public void onDown(Runnable listener) {
        downListeners.add(listener);
    }

    @Override
    public void onBackUp(Runnable listener) {
        backListeners.add(listener);
    }

    @Override
    public void recordSuccess() {
        record(null, false);
    }

    @Override
    public void recordFailure(Throwable cause) {
        if (isServerFault(cause)) {
            record(cause, false);
        } else if (Failures.unwrap(cause) instanceof UnexpectedResponseException || Failures.tooLarge(cause)) {
            // the server answered (e.g. 4xx, or more than the client reads): it is alive
            record(null, false);
        }
        // anything else (a body the client could not read, a bug) says nothing about the server's health
    }

    private void record(Throwable failure, boolean fromProbe) {
        State before;
        State after;
        synchronized (this) {
            if (closed) {
                return;
            }
            before = state;
            long now = clock.getAsLong();
            if (failure == null) {
                streak = 0;
                breaker.onSuccess(0, TimeUnit.NANOSECONDS);
            } else {
                lastError = Failures.describe(failure);
                boolean counted = streak == 0 || fromProbe
                        || now - lastCountedFailureNanos >= thresholds.failureSpacing().toNanos();
                if (counted) {
                    if (streak == 0) {
                        firstFailureNanos = now;
                    }
                    streak++;
                    lastCountedFailureNanos = now;
                    breaker.onError(0, TimeUnit.NANOSECONDS, failure);
                }
            }
            state = switch (breaker.getState()) {
                case OPEN, HALF_OPEN, FORCED_OPEN -> State.DOWN;
                default -> streak > 0 ? State.DEGRADED : State.UP;
            };
            after = state;
            if (after != before && nextProbe != null) {
                // the cadence depends on the state: the next probe comes at the new state's interval
                nextProbe.cancel(false);
                nextProbe = null;
            }
            if (after != State.UP) {
                scheduleProbe();
            }
        }
        if (before != after) {
            logTransition(before, after);
        }
        if (after == State.DOWN && before != State.DOWN) {
            notify(downListeners, "going down");
        } else if (after == State.UP && before != State.UP) {
            notify(backListeners, "coming back");
        }
    }

    private void notify(List<Runnable> listeners, String event) {
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.warn("a listener of ComfyUI at {} {} failed", url, event, e);
            }
        }
    }

    private void logTransition(State before, State after) {
        switch (after) {
            case DOWN -> LOG.warn("ComfyUI at {} is DOWN ({}, {} failures in {} ms); waiting prompts fail now",
                    url, lastError, streakSnapshot(), (clock.getAsLong() - firstFailureNanos) / 1_000_000);
            case DEGRADED -> LOG.info("ComfyUI at {} is DEGRADED ({})", url, lastError);
            case UP -> LOG.info("ComfyUI at {} is UP again (was {})", url, before);
        }
    }

    private synchronized int streakSnapshot() {
        return streak;
    }

    /** How long the current failures have lasted, in nanos, or 0. */
    public synchronized long failingForNanos() {
        return streak == 0 ? 0 : clock.getAsLong() - firstFailureNanos;
    }

    private void scheduleProbe() {
        if (nextProbe != null || probing || closed) {
            return;
        }
        Duration interval = state == State.DOWN ? thresholds.downProbeInterval() : thresholds.probeInterval();
        nextProbe = scheduler.schedule(this::runProbe, interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void runProbe() {
        synchronized (this) {
            nextProbe = null;
            if (closed || state == State.UP) {
                return;
            }
            // while open, the breaker lets a call through only once its wait is over
            if (state == State.DOWN && !breaker.tryAcquirePermission()) {
                scheduleProbe();
                return;
            }
            probing = true;
        }
        CompletableFuture<Integer> request;
        try {
            request = probe.get();
        } catch (RuntimeException e) {
            request = CompletableFuture.failedFuture(e);
        }
        request.whenComplete((depth, error) -> {
            synchronized (this) {
                probing = false;
            }
            if (error == null) {
                queueDepth = depth;
                record(null, true);
            } else if (Failures.tooLarge(error)) {
                // it answered, only more than the client reads (a huge queue): alive, depth unknown
                record(null, true);
            } else {
                record(isServerFault(error) ? error : new IOException(Failures.describe(error)), true);
            }
            synchronized (this) {
                if (state != State.UP) {
                    scheduleProbe();
                }
            }
        });
    }

    /** Whether a failure says the server is unreachable or broken (not that it refused a request). */
    static boolean isServerFault(Throwable error) {
        Throwable cause = Failures.unwrap(error);
        if (Failures.tooLarge(cause)) {
            return false;
        }
        if (cause instanceof UnexpectedResponseException unexpected) {
            return unexpected.status() == 0 || unexpected.status() >= 500;
        }
        return cause instanceof IOException || cause instanceof UnresolvedAddressException
                || cause instanceof TimeoutException;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (nextProbe != null) {
            nextProbe.cancel(false);
            nextProbe = null;
        }
    }
}
