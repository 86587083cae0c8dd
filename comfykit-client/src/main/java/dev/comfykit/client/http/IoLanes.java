package dev.comfykit.client.http;

import java.util.EnumMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The client's bounded I/O executor, with the work that waits for a thread taken by urgency instead of by arrival.
 * <p>
 * When an application starts executions faster than the server runs them, thousands of submissions wait here. In
 * arrival order, a history read would wait behind all of them and could come after the server has dropped the
 * entry (ComfyUI keeps the last 10,000), which loses the result; and a finished result would reach its caller only
 * after every earlier submission was sent. So every task enters a lane, and each pool task runs the first waiting
 * task of the most urgent lane: {@link Lane#COMPLETION}, then {@link Lane#READ}, then {@link Lane#WRITE}.
 */
public final class IoLanes {

    /** The lanes, most urgent first. */
    public enum Lane {
        /** Handing a finished result to the application's callbacks. */
        COMPLETION,
        /** A request that reads ({@code GET}: history, queue, files). */
        READ,
        /** A request that writes ({@code POST}: prompts, uploads, cancellations). */
        WRITE
    }

    private final Executor pool;
    private final Map<Lane, Queue<Runnable>> waiting = new EnumMap<>(Lane.class);

    /**
     * @param pool a bounded executor whose threads may block for the duration of a request
     */
    public IoLanes(Executor pool) {
        this.pool = pool;
        for (Lane lane : Lane.values()) {
            waiting.put(lane, new ConcurrentLinkedQueue<>());
        }
    }

    /**
     * Runs a task on the pool, after the waiting tasks of its own and of more urgent lanes.
     *
     * @throws RejectedExecutionException when the pool is shut down (the task is then dropped)
     */
    public void execute(Lane lane, Runnable task) {
        Queue<Runnable> queue = waiting.get(lane);
        queue.add(task);
        try {
            pool.execute(this::runNext);
        } catch (RejectedExecutionException e) {
            queue.remove(task);
            throw e;
        }
    }

    /** An executor view of one lane. */
    public Executor lane(Lane lane) {
        return task -> execute(lane, task);
    }

    /** Every {@link #execute} schedules exactly one of these, so each task runs once. */
    private void runNext() {
        for (Lane lane : Lane.values()) {
            Runnable task = waiting.get(lane).poll();
            if (task != null) {
                task.run();
                return;
            }
        }
    }
}
