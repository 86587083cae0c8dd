package dev.comfykit.client.events;

import java.util.concurrent.Executor;

/**
 * How a subscription delivers events.
 *
 * @param bufferSize events kept while the listener is busy, at least 1 (see {@link EventSubscription} for what is
 *                   dropped when it is full)
 * @param executor   where the listener runs (one event at a time, in order), or {@code null} for the client's
 *                   event threads; a listener that blocks for long should get an executor of its own
 */
public record SubscriptionOptions(int bufferSize, Executor executor) {

    /** The default buffer size. */
    public static final int DEFAULT_BUFFER_SIZE = 1000;

    public SubscriptionOptions {
        if (bufferSize < 1) {
            throw new IllegalArgumentException("A subscription's bufferSize must be at least 1, got " + bufferSize);
        }
    }

    /** A buffer of {@value #DEFAULT_BUFFER_SIZE} events, delivered on the client's event threads. */
    public static SubscriptionOptions defaults() {
        return new SubscriptionOptions(DEFAULT_BUFFER_SIZE, null);
    }

    /** These options with another buffer size. */
    public SubscriptionOptions withBufferSize(int size) {
        return new SubscriptionOptions(size, executor);
    }

    /** These options with another executor. */
    public SubscriptionOptions withExecutor(Executor where) {
        return new SubscriptionOptions(bufferSize, where);
    }
}
