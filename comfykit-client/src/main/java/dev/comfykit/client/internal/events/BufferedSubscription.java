package dev.comfykit.client.internal.events;

import dev.comfykit.client.events.ComfyEvent;
import dev.comfykit.client.events.EventFilter;
import dev.comfykit.client.events.EventSubscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One subscription: a bounded buffer filled on the WebSocket's thread, which never waits, and drained on the
 * subscription's executor, one event at a time and in order. When the buffer is full an incoming preview is dropped;
 * an incoming other event takes the place of the oldest buffered preview, or else of the oldest buffered event. Drops
 * of other events than previews are followed by an {@link ComfyEvent.EventsMissed}. A burst of drops is logged once
 * when it starts and once when the buffer has drained.
 */
final class BufferedSubscription implements EventSubscription {

    private static final Logger LOG = LoggerFactory.getLogger(BufferedSubscription.class);
    /** Events delivered per executor task before the task yields its thread to other subscriptions. */
    private static final int BATCH = 256;

    private final EventFilter filter;
    private final Predicate<ComfyEvent> accepts;
    private final Consumer<? super ComfyEvent> listener;
    private final int capacity;
    private final Executor executor;
    private final Runnable onClose;
    private final ArrayDeque<ComfyEvent> buffer = new ArrayDeque<>();

    // guarded by this
    private boolean scheduled;
    private boolean closed;
    private boolean closeWhenDrained;
    private long dropped;
    private long droppedPreviews;
    private long burstDropped;
    private long missedNotReported;
    private String missedServer;

    BufferedSubscription(EventFilter filter, Consumer<? super ComfyEvent> listener, int capacity, Executor executor,
                         Runnable onClose) {
        this(filter, filter, listener, capacity, executor, onClose);
    }

    /** @param accepts which events to buffer; {@code filter} only describes them */
    BufferedSubscription(EventFilter filter, Predicate<ComfyEvent> accepts, Consumer<? super ComfyEvent> listener,
                         int capacity, Executor executor, Runnable onClose) {
        this.filter = filter;
        this.accepts = accepts;
        this.listener = listener;
        this.capacity = capacity;
        this.executor = executor;
        this.onClose = onClose;
    }

    /** Buffers the event if the filter lets it through; never blocks. */
    void offer(ComfyEvent event) {
        if (!accepts.test(event)) {
            return;
        }
        boolean schedule;
        synchronized (this) {
            if (closed || closeWhenDrained) {
                return;
            }
            if (buffer.size() >= capacity && !makeRoom(event)) {
                return;
            }
            buffer.addLast(event);
            schedule = !scheduled;
            scheduled = true;
        }
        if (schedule) {
            schedule();
        }
    }

    /** @return whether the event may still be added */
    private boolean makeRoom(ComfyEvent incoming) {
        if (burstDropped == 0) {
            LOG.warn("An event subscription ({}) is not keeping up: its buffer of {} events is full; dropping"
                    + " previews first, then the oldest events", filter, capacity);
        }
        if (incoming instanceof ComfyEvent.Preview) {
            countDrop(incoming);
            return false;
        }
        for (Iterator<ComfyEvent> it = buffer.iterator(); it.hasNext(); ) {
            ComfyEvent buffered = it.next();
            if (buffered instanceof ComfyEvent.Preview) {
                it.remove();
                countDrop(buffered);
                return true;
            }
        }
        countDrop(buffer.pollFirst());
        return true;
    }

    private void countDrop(ComfyEvent event) {
        dropped++;
        burstDropped++;
        if (event instanceof ComfyEvent.Preview) {
            droppedPreviews++;
        } else {
            missedNotReported++;
            missedServer = event.server();
        }
    }

    private void schedule() {
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
            LOG.debug("Event subscription ({}) closed: its executor refused work", filter);
            close();
        }
    }

    private void drain() {
        for (int i = 0; i < BATCH; i++) {
            ComfyEvent next;
            synchronized (this) {
                if (closed) {
                    scheduled = false;
                    return;
                }
                if (missedNotReported > 0) {
                    next = new ComfyEvent.EventsMissed(missedServer, "The subscriber did not keep up: "
                            + missedNotReported + " events were dropped from its full buffer of " + capacity
                            + " (previews are dropped first). Give it a larger buffer or a faster listener.",
                            Instant.now());
                    missedNotReported = 0;
                } else {
                    next = buffer.pollFirst();
                }
                if (next == null) {
                    scheduled = false;
                    if (closeWhenDrained) {
                        closed = true;
                    }
                    if (burstDropped > 0) {
                        LOG.info("An event subscription ({}) caught up; {} events were dropped meanwhile ({} in"
                                + " total, {} of them previews)", filter, burstDropped, dropped, droppedPreviews);
                        burstDropped = 0;
                    }
                    return;
                }
            }
            try {
                listener.accept(next);
            } catch (RuntimeException e) {
                LOG.warn("An event listener ({}) failed on {}", filter, next.type(), e);
            }
        }
        // more is waiting: yield the thread, keep the order (scheduled stays true, so only this task drains)
        schedule();
    }

    @Override
    public EventFilter filter() {
        return filter;
    }

    @Override
    public synchronized long dropped() {
        return dropped;
    }

    @Override
    public synchronized long droppedPreviews() {
        return droppedPreviews;
    }

    @Override
    public synchronized int buffered() {
        return buffer.size();
    }

    @Override
    public synchronized boolean isClosed() {
        return closed;
    }

    /** Takes no more events and closes once those buffered were delivered. */
    void closeWhenDrained() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closeWhenDrained = true;
            if (!scheduled) {
                closed = true;
            }
        }
        onClose.run();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            buffer.clear();
        }
        onClose.run();
    }

    @Override
    public String toString() {
        return "EventSubscription[" + filter + "]";
    }
}
