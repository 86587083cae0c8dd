package dev.comfykit.client.internal.http;

import java.util.EnumMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

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
    private final Map<Lane, Queue<Task>> waiting = new EnumMap<>(Lane.class);

    /** A waiting task, and what to do with it if the pool refuses to run it. */
    private static final class Task {
        final Runnable work;
        final Consumer<RejectedExecutionException> onRejected;

        Task(Runnable work, Consumer<RejectedExecutionException> onRejected) {
            this.work = work;
            this.onRejected = onRejected;
        }
    }

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
     * <p>
     * Every task that enters a lane is either run or handed to its {@code onRejected}, once: when the pool refuses
     * to run one more task (it is shut down, or its queue is full), one waiting task cannot run, this one if it
     * still waits, else the least urgent that does.
     *
     * @param onRejected what to do instead of running the task when the pool refuses it
     */
    public void execute(Lane lane, Runnable task, Consumer<RejectedExecutionException> onRejected) {
        Task entry = new Task(task, onRejected);
        waiting.get(lane).add(entry);
        try {
            pool.execute(this::runNext);
        } catch (RejectedExecutionException e) {
            Task refused = waiting.get(lane).remove(entry) ? entry : leastUrgent();
            if (refused != null) {
                refused.onRejected.accept(e);
            }
        }
    }

    /** An executor view of one lane; a task the pool refuses runs on the caller's thread (it must be short). */
    public Executor lane(Lane lane) {
        return task -> execute(lane, task, rejected -> task.run());
    }

    /** Every {@link #execute} schedules exactly one of these, so each task runs once. */
    private void runNext() {
        for (Lane lane : Lane.values()) {
            Task task = waiting.get(lane).poll();
            if (task != null) {
                task.work.run();
                return;
            }
        }
    }

    private Task leastUrgent() {
        Lane[] lanes = Lane.values();
        for (int i = lanes.length - 1; i >= 0; i--) {
            Task task = waiting.get(lanes[i]).poll();
            if (task != null) {
                return task;
            }
        }
        return null;
    }
}
