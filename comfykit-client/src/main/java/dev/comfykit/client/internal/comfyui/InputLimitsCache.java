package dev.comfykit.client.internal.comfyui;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The input limits of one server's node classes, fetched once per class on first use and shared: concurrent callers
 * wait for the same {@code GET /object_info/{class}}, later callers get the cached answer. Never fetched per request.
 * <p>
 * An answer is kept for {@code maxAge} (so a model installed on the server later becomes an allowed
 * {@code ckpt_name}) and dropped by {@link #clear()} (e.g. after a reconnect). A failed fetch (old server, proxy
 * that blocks the route, server down) is logged once and gives "no limits" for {@code retryAfterFailure}: the
 * check is skipped, never the job failed because of it. At most {@code maxClasses} classes are kept.
 */
public final class InputLimitsCache {

    private static final Logger LOG = LoggerFactory.getLogger(InputLimitsCache.class);

    private record Entry(CompletableFuture<InputLimits> limits, long expiresAt) {
    }

    private final Function<String, CompletableFuture<JsonNode>> fetch;
    private final int maxClasses;
    private final long maxAgeNanos;
    private final long retryAfterFailureNanos;
    private final LongSupplier nanoTime;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicBoolean failureLogged = new AtomicBoolean();

    /**
     * @param fetch             {@code GET /object_info/{class}} (see {@link ComfyUiApi#objectInfo(String)})
     * @param maxClasses        how many classes are kept at most
     * @param maxAge            how long an answer is used
     * @param retryAfterFailure how long a failed fetch stands (no limits) before the next try
     * @param nanoTime          the clock
     */
    public InputLimitsCache(Function<String, CompletableFuture<JsonNode>> fetch, int maxClasses, Duration maxAge,
                            Duration retryAfterFailure, LongSupplier nanoTime) {
        this.fetch = fetch;
        this.maxClasses = maxClasses;
        this.maxAgeNanos = maxAge.toNanos();
        this.retryAfterFailureNanos = retryAfterFailure.toNanos();
        this.nanoTime = nanoTime;
    }

    /** The limits of a node class; completes normally, with {@link InputLimits#none()} when they are unknown. */
    public CompletableFuture<InputLimits> get(String classType) {
        long now = nanoTime.getAsLong();
        Entry cached = entries.get(classType);
        if (cached != null && now - cached.expiresAt() < 0) {
            return cached.limits();
        }
        if (cached == null && entries.size() >= maxClasses) {
            evictOne(now);
        }
        Entry fresh = new Entry(new CompletableFuture<>(), now + maxAgeNanos);
        // one caller wins the race to fetch; the others share its future
        Entry winner = entries.compute(classType, (key, current) ->
                current != null && now - current.expiresAt() < 0 ? current : fresh);
        if (winner == fresh) {
            fetch(classType, fresh);
        }
        return winner.limits();
    }

    /**
     * Takes the limits of the classes in a full {@code GET /object_info} answer that was read anyway (a pool's
     * capabilities), so that those classes are not asked for one by one; each is kept for {@code maxAge} from now,
     * like a fetched one. Classes already asked for are refreshed first; others are taken while there is room
     * ({@code maxClasses}), the rest are fetched on first use as before.
     */
    public void seed(JsonNode fullAnswer) {
        if (fullAnswer == null || !fullAnswer.isObject()) {
            return;
        }
        long expires = nanoTime.getAsLong() + maxAgeNanos;
        List<String> known = new ArrayList<>();
        List<String> others = new ArrayList<>();
        fullAnswer.fieldNames().forEachRemaining(name -> (entries.containsKey(name) ? known : others).add(name));
        for (String classType : known) {
            entries.put(classType, seeded(classType, fullAnswer, expires));
        }
        for (String classType : others) {
            if (entries.size() >= maxClasses) {
                return;
            }
            entries.putIfAbsent(classType, seeded(classType, fullAnswer, expires));
        }
    }

    private static Entry seeded(String classType, JsonNode fullAnswer, long expires) {
        InputLimits limits;
        try {
            limits = InputLimits.parse(classType, fullAnswer);
        } catch (RuntimeException e) {
            limits = InputLimits.none(); // a declaration we cannot read is no limit, as for a fetched one
        }
        return new Entry(CompletableFuture.completedFuture(limits), expires);
    }

    /** Forgets every answer, so the next use of each class asks the server again. */
    public void clear() {
        entries.clear();
    }

    /** Forgets one class's answer (e.g. after the server rejected a value the cached limits allowed). */
    public void forget(String classType) {
        entries.remove(classType);
    }

    private void fetch(String classType, Entry entry) {
        CompletableFuture<JsonNode> answer;
        try {
            answer = fetch.apply(classType);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((json, fetchError) -> {
            Throwable error = fetchError;
            if (error == null) {
                try {
                    entry.limits().complete(InputLimits.parse(classType, json));
                    return;
                } catch (RuntimeException e) {
                    error = e; // never leave the callers waiting on an answer we cannot read
                }
            }
            failed(classType, error);
            // a failed fetch stands for a shorter time; replace the entry only if it is still this one
            entries.computeIfPresent(classType, (key, current) -> current == entry
                    ? new Entry(entry.limits(), nanoTime.getAsLong() + retryAfterFailureNanos) : current);
            entry.limits().complete(InputLimits.none());
        });
    }

    private void evictOne(long now) {
        Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
        String victim = null;
        while (it.hasNext()) {
            Map.Entry<String, Entry> e = it.next();
            if (now - e.getValue().expiresAt() >= 0) {
                it.remove();
                return;
            }
            if (victim == null) {
                victim = e.getKey();
            }
        }
        if (victim != null) {
            entries.remove(victim);
        }
    }

    private void failed(String classType, Throwable error) {
        Throwable cause = error;
        while ((cause instanceof java.util.concurrent.CompletionException
                || cause instanceof java.util.concurrent.ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        if (failureLogged.compareAndSet(false, true)) {
            LOG.info("Cannot read the input limits of node class {} from ComfyUI ({}); param values are not checked"
                    + " against the server's limits until it answers (the server still checks them).", classType,
                    reason);
        } else {
            LOG.debug("Cannot read the input limits of node class {} from ComfyUI ({})", classType, reason);
        }
    }
}
