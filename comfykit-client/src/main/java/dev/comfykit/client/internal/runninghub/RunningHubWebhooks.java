package dev.comfykit.client.internal.runninghub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.internal.execution.Failures;
import dev.comfykit.client.internal.json.Json;
import dev.comfykit.client.webhook.WebhookReceiver;
import dev.comfykit.client.webhook.WebhookVerdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * RunningHub's webhook calls into a {@link RunningHubEngine}: the token compared in constant time, the body bounded,
 * the task id read from either callback shape, and only ids of tasks this client created and that have not ended
 * let through (RunningHub repeats deliveries; an old call may be replayed). An accepted call never supplies results:
 * it makes the engine poll the task now, so the execution waiting for it completes from RunningHub's own answer; a
 * task nobody waits for (a {@code submit}) is confirmed the same way and handed to the listeners.
 */
public final class RunningHubWebhooks implements WebhookReceiver {

    private static final Logger LOG = LoggerFactory.getLogger(RunningHubWebhooks.class);

    /** How many ended task ids are remembered, to tell a repeated delivery from an unknown id. */
    static final int REMEMBERED_ENDS = 10_000;
    /** A repeat within this window of an accepted call does not poll again. */
    private static final long CONFIRM_WINDOW_NANOS = Duration.ofSeconds(10).toNanos();
    private static final int MAX_TASK_ID_LENGTH = 32;

    private final RunningHubEngine engine;
    private final byte[] token;
    private final long expectNanos;
    private final LongSupplier clock;
    /** A task this client created: until when its webhook is expected, and whether an execution waits for it. */
    private record Expectation(long until, boolean awaited) {
    }

    /** How many calls for not (yet) created tasks are remembered: a call may overtake the create's answer. */
    static final int REMEMBERED_EARLY_CALLS = 1_000;
    private static final long EARLY_CALL_NANOS = Duration.ofSeconds(60).toNanos();

    private final Map<String, Expectation> expected = new ConcurrentHashMap<>();
    /** Task id -> when a genuine call came for it before the task was known here. */
    private final Map<String, Long> early = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > REMEMBERED_EARLY_CALLS;
        }
    });
    /** Task id -> when its last accepted call came. */
    private final Map<String, Long> confirming = new ConcurrentHashMap<>();
    private final Set<String> ended = Collections.newSetFromMap(Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > REMEMBERED_ENDS;
                }
            }));
    private final List<Consumer<ExecuteResult>> listeners = new CopyOnWriteArrayList<>();

    private RunningHubWebhooks(RunningHubEngine engine, String secret, Duration expectFor, LongSupplier clock) {
        this.engine = engine;
        this.token = secret == null ? null : secret.getBytes(StandardCharsets.UTF_8);
        this.expectNanos = expectFor.toNanos();
        this.clock = clock;
    }

    /**
     * The receiver of an engine: with a secret it expects calls (and the engine tells it of the tasks it creates),
     * without one every call is {@link WebhookVerdict#DISABLED}.
     *
     * @param expectFor how long after its creation a task's webhook is expected (the task's time limit)
     */
    public static RunningHubWebhooks attach(RunningHubEngine engine, String secret, Duration expectFor,
                                           LongSupplier clock) {
        RunningHubWebhooks receiver = new RunningHubWebhooks(engine, secret, expectFor, clock);
        if (secret != null) {
            engine.watch(receiver);
        }
        return receiver;
    }

    /** The URL RunningHub is given: the configured one with the token as a query parameter. */
    public static String callbackUrl(String webhookUrl, String secret) {
        return webhookUrl + (webhookUrl.contains("?") ? "&" : "?") + TOKEN_PARAMETER + "=" + secret;
    }

    @Override
    public boolean enabled() {
        return token != null;
    }

    @Override
    public WebhookVerdict accept(String callToken, byte[] body) {
        if (token == null) {
            return WebhookVerdict.DISABLED;
        }
        // constant time: the time taken tells nothing about how much of a guessed token was right
        if (callToken == null || !MessageDigest.isEqual(callToken.getBytes(StandardCharsets.UTF_8), token)) {
            LOG.warn("refused a webhook call with {} token", callToken == null ? "no" : "a wrong");
            return WebhookVerdict.FORGED;
        }
        if (body != null && body.length > MAX_BODY_BYTES) {
            return WebhookVerdict.TOO_LARGE;
        }
        String taskId = taskId(body);
        if (taskId == null) {
            return WebhookVerdict.MALFORMED;
        }
        if (ended.contains(taskId)) {
            return WebhookVerdict.DUPLICATE;
        }
        long now = clock.getAsLong();
        Expectation expectation = expected.get(taskId);
        if (expectation == null || now - expectation.until() > 0) {
            // e.g. a task created before a restart with the same webhook URL, and awaited by id now
            if (confirming.putIfAbsent(taskId, now) == null && engine.taskEnded(taskId)) {
                return WebhookVerdict.ACCEPTED;
            }
            confirming.remove(taskId);
            if (expectation == null) {
                // the call may have overtaken the create's answer: the task is confirmed once it is known
                early.put(taskId, now);
            }
            LOG.debug("[{}] ignored a webhook for a task this client does not know (yet)", taskId);
            return WebhookVerdict.UNKNOWN_TASK;
        }
        Long previous = confirming.put(taskId, now);
        if (previous != null && now - previous < CONFIRM_WINDOW_NANOS) {
            return WebhookVerdict.DUPLICATE;
        }
        confirm(taskId, expectation, now);
        return WebhookVerdict.ACCEPTED;
    }

    /** Makes the engine ask RunningHub about the task now. */
    private void confirm(String taskId, Expectation expectation, long now) {
        LOG.debug("[{}] webhook: confirming the task's end with RunningHub", taskId);
        if (expectation.awaited()) {
            // its execution polls now, or at its first poll if it has not started polling yet
            engine.taskEndedBeforePolling(taskId);
        } else if (!engine.taskEnded(taskId)) {
            long remaining = Math.max(1, expectation.until() - now);
            engine.confirm(taskId, Duration.ofNanos(remaining)).whenComplete((result, error) -> deliver(taskId,
                    result, error));
        }
    }

    @Override
    public AutoCloseable onTaskEnd(Consumer<ExecuteResult> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /**
     * The engine created a task: its webhook is expected within the task's time limit.
     *
     * @param awaited whether an execution of this client waits for it ({@code execute}), or not ({@code submit})
     */
    void created(String taskId, boolean awaited) {
        long now = clock.getAsLong();
        if (expected.size() % 1024 == 1023) {
            expected.values().removeIf(e -> now - e.until() > 0);
        }
        Expectation expectation = new Expectation(now + expectNanos, awaited);
        expected.put(taskId, expectation);
        Long early = this.early.remove(taskId);
        if (early != null && now - early < EARLY_CALL_NANOS && confirming.putIfAbsent(taskId, now) == null) {
            confirm(taskId, expectation, now);
        }
    }

    /** Whether a webhook is expected for the task: this client created it with the webhook URL. */
    boolean expects(String taskId) {
        return taskId != null && expected.containsKey(taskId);
    }

    /** The engine saw the task end (by a poll, a webhook's confirmation or not): later calls are duplicates. */
    void ended(String taskId) {
        if (taskId == null) {
            return;
        }
        ended.add(taskId);
        expected.remove(taskId);
        confirming.remove(taskId);
    }

    /** Whether a poll's outcome is the task's end (rather than the client losing contact or giving up). */
    static boolean isEnd(Throwable error) {
        if (error == null) {
            return true;
        }
        return Failures.unwrap(error) instanceof RunningHubFailure failure
                && (failure.error().getKind() == ErrorKind.EXECUTION || failure.error().getKind() == ErrorKind.LOST);
    }

    private void deliver(String taskId, ExecuteResult result, Throwable error) {
        if (error != null || result == null) {
            confirming.remove(taskId);
            LOG.warn("[{}] could not confirm the task's end: {}", taskId, error == null ? "no result"
                    : Failures.describe(error));
            return;
        }
        ErrorKind kind = result.getError() == null ? null : result.getError().getKind();
        if (kind == ErrorKind.TIMEOUT || kind == ErrorKind.CANCELLED || kind == ErrorKind.CONNECTION) {
            // the client stopped waiting; the task did not end
            confirming.remove(taskId);
            return;
        }
        ended(taskId);
        for (Consumer<ExecuteResult> listener : listeners) {
            try {
                listener.accept(result);
            } catch (RuntimeException e) {
                LOG.warn("[{}] a webhook listener failed: {}", taskId, e.toString());
            }
        }
    }

    /** The task id of a v1 ({@code event}, {@code taskId}, {@code eventData}) or v2 ({@code taskId}, {@code status}) call. */
    static String taskId(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            JsonNode json = Json.mapper().readTree(body);
            if (json == null || !json.isObject()) {
                return null;
            }
            JsonNode id = json.get("taskId");
            String text = id == null ? null : id.isIntegralNumber() ? id.bigIntegerValue().toString()
                    : id.isTextual() ? id.textValue().trim() : null;
            if (text == null || text.isEmpty() || text.length() > MAX_TASK_ID_LENGTH
                    || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            return text;
        } catch (IOException e) {
            return null;
        }
    }
}
