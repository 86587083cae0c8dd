package dev.comfykit.client.events;

/**
 * A listener's subscription to a client's events; closing it stops the delivery (events already buffered are
 * discarded). Events reach the listener in the order the client received them, one at a time, off the WebSocket's
 * thread, through a bounded buffer: when the listener falls behind and the buffer is full, previews are dropped
 * first, then the oldest buffered events, and the listener then receives a {@link ComfyEvent.EventsMissed} saying
 * how many.
 */
public interface EventSubscription extends AutoCloseable {

    /** What the subscription receives. */
    EventFilter filter();

    /** Events dropped because the buffer was full, previews included, since subscribing. */
    long dropped();

    /** Previews among {@link #dropped()}. */
    long droppedPreviews();

    /** Events waiting in the buffer now. */
    int buffered();

    /** Whether it was closed (by {@link #close()} or by closing the client). */
    boolean isClosed();

    /** Stops the delivery; idempotent. */
    @Override
    void close();
}
