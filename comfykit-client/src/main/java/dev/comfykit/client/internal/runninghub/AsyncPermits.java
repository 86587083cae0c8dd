package dev.comfykit.client.internal.runninghub;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;

/**
 * A semaphore whose waiters hold no thread: {@link #acquire()} returns a future completed when a permit is free.
 * Used to keep at most N RunningHub tasks open, so a burst waits locally instead of failing with "queue full".
 */
final class AsyncPermits {

    private final int permits;
    private final Queue<CompletableFuture<Void>> waiters = new ArrayDeque<>();
    private int inUse;

    AsyncPermits(int permits) {
        if (permits < 1) {
            throw new IllegalArgumentException("at least one permit is needed, got " + permits);
        }
        this.permits = permits;
    }

    /** A future completed once a permit is held; cancelling it gives the place up. */
    CompletableFuture<Void> acquire() {
        CompletableFuture<Void> granted = new CompletableFuture<>();
        synchronized (this) {
            if (inUse < permits) {
                inUse++;
                granted.complete(null);
                return granted;
            }
            waiters.add(granted);
        }
        return granted;
    }

    /** Gives a permit back, to the next waiter if there is one. */
    void release() {
        CompletableFuture<Void> next;
        synchronized (this) {
            while (true) {
                next = waiters.poll();
                if (next == null) {
                    inUse--;
                    return;
                }
                if (!next.isDone()) {
                    break;
                }
            }
        }
        if (!next.complete(null)) {
            release();
        }
    }

    /** How many executions wait for a permit. */
    synchronized int waiting() {
        return waiters.size();
    }

    /** How many permits are held. */
    synchronized int inUse() {
        return inUse;
    }
}
