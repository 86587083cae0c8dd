package dev.comfykit.client.internal.pool;

import dev.comfykit.client.internal.http.UnexpectedResponseException;
import dev.comfykit.client.internal.pool.ServerHealth.State;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The health rule: what makes a server degraded, down and up again, with its breaker and probe. */
class ProbedServerHealthTest {

    private static final Duration SLOW = Duration.ofSeconds(30);

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong clock = new AtomicLong();
    private final AtomicBoolean serverDead = new AtomicBoolean();
    private final AtomicInteger probes = new AtomicInteger();
    private final AtomicInteger downs = new AtomicInteger();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private ProbedServerHealth health(Duration probeInterval, Duration downProbeInterval) {
        ProbedServerHealth health = new ProbedServerHealth("http://gpu1:8188", () -> {
            probes.incrementAndGet();
            return serverDead.get() ? CompletableFuture.failedFuture(new ConnectException("refused"))
                    : CompletableFuture.completedFuture(2);
        }, scheduler, clock::get, new ProbedServerHealth.Thresholds(3, Duration.ofMillis(500), probeInterval,
                downProbeInterval));
        health.onDown(downs::incrementAndGet);
        return health;
    }

    private void later(long millis) {
        clock.addAndGet(Duration.ofMillis(millis).toNanos());
    }

    @Test
    void oneFailureThenASuccessIsOnlyABlip() {
        ProbedServerHealth health = health(SLOW, SLOW);
        health.recordFailure(new ConnectException("Connection refused"));
        assertThat(health.state()).isEqualTo(State.DEGRADED);
        assertThat(health.allowsDispatch()).isTrue();

        later(600);
        health.recordSuccess();

        assertThat(health.state()).isEqualTo(State.UP);
        assertThat(downs).hasValue(0);
    }

    @Test
    void comingBackUpAfterAFailureTellsTheBackUpListenersOnce() {
        ProbedServerHealth health = health(SLOW, SLOW);
        AtomicInteger backs = new AtomicInteger();
        health.onBackUp(backs::incrementAndGet);

        health.recordSuccess();
        assertThat(backs).as("up all along").hasValue(0);

        health.recordFailure(new java.io.IOException("the WebSocket closed"));
        later(600);
        health.recordSuccess();
        health.recordSuccess();

        assertThat(backs).as("a reconnected socket: what the server offers is read again").hasValue(1);
    }

    @Test
    void aBurstOfFailuresAtOnceCountsOnce() {
        ProbedServerHealth health = health(SLOW, SLOW);
        for (int i = 0; i < 10; i++) {
            health.recordFailure(new ConnectException("Connection refused"));
            later(10);
        }
        assertThat(health.state()).isEqualTo(State.DEGRADED);
        assertThat(health.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void threeSpacedFailuresInARowOpenTheBreakerOnceAndAProbeClosesIt() {
        ProbedServerHealth health = health(SLOW, Duration.ofMillis(50));
        serverDead.set(true);
        for (int i = 0; i < 3; i++) {
            health.recordFailure(new ConnectException("Connection refused"));
            later(500);
        }
        assertThat(health.state()).isEqualTo(State.DOWN);
        assertThat(health.allowsDispatch()).isFalse();
        assertThat(health.breakerState()).isIn(CircuitBreaker.State.OPEN, CircuitBreaker.State.HALF_OPEN);
        assertThat(health.lastError()).isEqualTo("connection refused");
        health.recordFailure(new ConnectException("Connection refused"));
        assertThat(downs).as("the listener hears each transition once").hasValue(1);

        await().atMost(Duration.ofSeconds(5)).until(() -> probes.get() >= 2);
        assertThat(health.state()).as("failed probes keep it down").isEqualTo(State.DOWN);
        serverDead.set(false);

        await().atMost(Duration.ofSeconds(5)).until(() -> health.state() == State.UP);
        assertThat(health.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(health.queueDepth()).isEqualTo(2);
        assertThat(downs).hasValue(1);
    }

    @Test
    void aLostSocketWhoseProbesFailMakesTheServerDown() {
        ProbedServerHealth health = health(Duration.ofMillis(20), Duration.ofMillis(50));
        serverDead.set(true);
        health.recordFailure(new java.io.IOException("the WebSocket closed"));

        await().atMost(Duration.ofSeconds(5)).until(() -> health.state() == State.DOWN);
        assertThat(downs).hasValue(1);
    }

    @Test
    void aLostSocketWhoseProbeAnswersIsUpAgain() {
        ProbedServerHealth health = health(Duration.ofMillis(20), Duration.ofMillis(50));
        health.recordFailure(new java.io.IOException("the WebSocket closed"));

        await().atMost(Duration.ofSeconds(5)).until(() -> health.state() == State.UP);
        assertThat(downs).hasValue(0);
        assertThat(probes).hasValue(1);
    }

    @Test
    void aClientErrorShowsALiveServerAndOtherFailuresSayNothing() {
        ProbedServerHealth health = health(SLOW, SLOW);
        health.recordFailure(new ConnectException("Connection refused"));
        health.recordFailure(new UnexpectedResponseException("GET /history/x", 400, new byte[0]));
        assertThat(health.state()).isEqualTo(State.UP);

        health.recordFailure(new IllegalStateException("a bug"));
        assertThat(health.state()).isEqualTo(State.UP);

        health.recordFailure(new UnexpectedResponseException("GET /queue", 503, new byte[0]));
        assertThat(health.state()).isEqualTo(State.DEGRADED);
    }
}
