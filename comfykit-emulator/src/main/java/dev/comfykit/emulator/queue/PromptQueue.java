package dev.comfykit.emulator.queue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * ComfyUI's {@code PromptQueue}: pending prompts ordered by {@code number} (lower first, then prompt id), the
 * running ones, the counter behind {@code number}, and the history they end in. Every change is reported to the
 * {@link QueueListener} while the lock is held, so {@code status} events leave in the order the changes happened.
 */
public final class PromptQueue {

    private static final Comparator<QueueItem> ORDER = Comparator.comparing(QueueItem::priority)
            .thenComparing(QueueItem::promptId)
            .thenComparingLong(QueueItem::sequence);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private final TreeSet<QueueItem> pending = new TreeSet<>(ORDER);
    private final Map<String, QueueItem> pendingById = new HashMap<>();
    private final LinkedHashSet<QueueItem> running = new LinkedHashSet<>();
    private final History history = new History();
    private final QueueListener listener;
    private final List<CompletionListener> completionListeners = new CopyOnWriteArrayList<>();
    private long counter;
    private long sequence;
    private volatile long epoch;

    public PromptQueue(QueueListener listener) {
        this.listener = listener;
    }

    public History history() {
        return history;
    }

    /**
     * Registers a listener told of every prompt that ends (see {@link CompletionListener}); another front end
     * (the RunningHub emulation) learns the outcome of its prompts this way.
     */
    public void addCompletionListener(CompletionListener listener) {
        completionListeners.add(listener);
    }

    /**
     * Runs {@code action} while holding the queue's lock: nothing is taken, deleted or finished meanwhile, and
     * {@link CompletionListener}s (which run under the same lock) see the effects of the action, or it theirs.
     */
    public <T> T atomically(Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    /** The generation of this queue; a restart starts a new one and old items are dropped silently. */
    public long epoch() {
        return epoch;
    }

    /**
     * The {@code number} of a prompt submitted without one: the counter, negated for {@code front}. The counter
     * advances on every such submission, also ones that then fail validation.
     */
    public JsonNode nextNumber(boolean front) {
        lock.lock();
        try {
            long n = counter++;
            return LongNode.valueOf(front ? -n : n);
        } finally {
            lock.unlock();
        }
    }

    public long nextSequence() {
        lock.lock();
        try {
            return sequence++;
        } finally {
            lock.unlock();
        }
    }

    public void put(QueueItem item) {
        lock.lock();
        try {
            pending.add(item);
            pendingById.put(item.promptId(), item);
            listener.queueUpdated(remainingLocked());
            available.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Takes the next prompt to run, waiting for one; null if the wait timed out. */
    public QueueItem take(long timeout, TimeUnit unit) throws InterruptedException {
        lock.lock();
        try {
            long nanos = unit.toNanos(timeout);
            while (pending.isEmpty()) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = available.awaitNanos(nanos);
            }
            QueueItem item = pending.pollFirst();
            pendingById.remove(item.promptId(), item);
            running.add(item);
            listener.queueUpdated(remainingLocked());
            return item;
        } finally {
            lock.unlock();
        }
    }

    /** Ends a running prompt: writes its history entry (unless a restart discarded it) and reports the change. */
    public void taskDone(QueueItem item, HistoryEntry entry) {
        lock.lock();
        try {
            if (!running.remove(item) || item.epoch() != epoch) {
                return;
            }
            if (entry != null) {
                history.put(entry);
            }
            for (CompletionListener completion : completionListeners) {
                completion.promptDone(item, entry);
            }
            listener.queueUpdated(remainingLocked());
        } finally {
            lock.unlock();
        }
    }

    /** {@code POST /queue {"clear": true}}: empties the pending list; the running prompt keeps running. */
    public void wipe() {
        lock.lock();
        try {
            pending.clear();
            pendingById.clear();
            listener.queueUpdated(remainingLocked());
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@code POST /queue {"delete": [id]}}: removes a pending prompt. Like ComfyUI, deleting the last pending
     * prompt wipes the queue first, so two {@code status} events go out.
     */
    public boolean delete(String promptId) {
        lock.lock();
        try {
            QueueItem item = pendingById.get(promptId);
            if (item == null) {
                return false;
            }
            if (pending.size() == 1) {
                wipe();
            } else {
                pending.remove(item);
                pendingById.remove(promptId);
            }
            listener.queueUpdated(remainingLocked());
            return true;
        } finally {
            lock.unlock();
        }
    }

    public int remaining() {
        lock.lock();
        try {
            return remainingLocked();
        } finally {
            lock.unlock();
        }
    }

    private int remainingLocked() {
        return pending.size() + running.size();
    }

    /** Whether the prompt waits in the pending list. */
    public boolean isPending(String promptId) {
        lock.lock();
        try {
            return pendingById.containsKey(promptId);
        } finally {
            lock.unlock();
        }
    }

    public boolean isRunning(String promptId) {
        lock.lock();
        try {
            for (QueueItem item : running) {
                if (item.promptId().equals(promptId)) {
                    return true;
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** {@code GET /queue}: the running and pending items in execution order. */
    public byte[] json() {
        ByteArrayOutputStream out;
        lock.lock();
        try {
            int size = 48;
            for (QueueItem item : running) {
                size += item.json().length + 2;
            }
            for (QueueItem item : pending) {
                size += item.json().length + 2;
            }
            out = new ByteArrayOutputStream(size);
            out.writeBytes("{\"queue_running\": [".getBytes());
            write(out, running);
            out.writeBytes("], \"queue_pending\": [".getBytes());
            write(out, pending);
            out.writeBytes("]}".getBytes());
        } finally {
            lock.unlock();
        }
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, Collection<QueueItem> items) {
        boolean first = true;
        for (QueueItem item : items) {
            if (!first) {
                out.write(',');
                out.write(' ');
            }
            first = false;
            out.writeBytes(item.json());
        }
    }

    /** The pending items in execution order (the jobs API lists them). */
    public List<QueueItem> pendingItems() {
        lock.lock();
        try {
            return new ArrayList<>(pending);
        } finally {
            lock.unlock();
        }
    }

    public List<QueueItem> runningItems() {
        lock.lock();
        try {
            return new ArrayList<>(running);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A restart, as far as the queue is concerned: pending and running prompts, history and the counter are gone.
     * No {@code status} goes out: a restarting server has no sockets.
     */
    public void restart() {
        lock.lock();
        try {
            epoch++;
            pending.clear();
            pendingById.clear();
            running.clear();
            history.clear();
            counter = 0;
        } finally {
            lock.unlock();
        }
    }
}
