package dev.comfykit.emulator.runninghub;

import dev.comfykit.emulator.execution.ExecutionEngine;
import dev.comfykit.emulator.files.DataDirectories;
import dev.comfykit.emulator.queue.CompletionListener;
import dev.comfykit.emulator.queue.HistoryEntry;
import dev.comfykit.emulator.queue.PromptQueue;
import dev.comfykit.emulator.queue.QueueItem;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tasks and the prompts that run them. A task's state is read from the shared queue (pending: QUEUED, running:
 * RUNNING) until its prompt ends, when the queue's {@link CompletionListener} records the outcome. Both happen under
 * the queue's lock, so a task is never seen between states. The last 10,000 ended tasks are kept; older ones are
 * forgotten (807), as RunningHub purges old tasks.
 */
final class TaskBook implements CompletionListener {

    private static final Logger LOG = LoggerFactory.getLogger(TaskBook.class);

    static final int MAX_ENDED = 10_000;
    /** Twitter's snowflake epoch: ids of today are 19 digits, like RunningHub's. */
    private static final long EPOCH_MILLIS = 1_288_834_974_657L;
    private static final long SMALLEST_ID = 1_000_000_000_000_000_000L;

    enum Phase { QUEUED, RUNNING, ENDED }

    /** A task's state; {@code outcome} is set when {@code phase} is ENDED. */
    record Look(Phase phase, Outcome outcome) {
        String status() {
            return switch (phase) {
                case QUEUED -> "QUEUED";
                case RUNNING -> "RUNNING";
                case ENDED -> outcome.success() ? "SUCCESS" : "FAILED";
            };
        }
    }

    enum Cancel { REMOVED_FROM_QUEUE, INTERRUPTED, NOT_ALLOWED }

    private final PromptQueue queue;
    private final ExecutionEngine engine;
    private final DataDirectories dirs;
    private final Map<String, Task> byId = new ConcurrentHashMap<>();
    private final Map<String, Task> byPrompt = new ConcurrentHashMap<>();
    private final Queue<Task> ended = new ConcurrentLinkedQueue<>();
    private final AtomicInteger endedCount = new AtomicInteger();
    private final AtomicLong lastId = new AtomicLong();
    private final AtomicLong created = new AtomicLong();
    private volatile java.util.function.Consumer<Task> onEnd = task -> { };

    TaskBook(PromptQueue queue, ExecutionEngine engine, DataDirectories dirs) {
        this.queue = queue;
        this.engine = engine;
        this.dirs = dirs;
    }

    /** A new 19-digit task id, increasing. */
    String newTaskId() {
        long candidate = (System.currentTimeMillis() - EPOCH_MILLIS) << 22;
        return Long.toString(lastId.updateAndGet(previous -> Math.max(Math.max(previous + 1, candidate), SMALLEST_ID)));
    }

    /**
     * Records a task and queues its prompt, atomically: nobody sees the task before its prompt is pending.
     */
    Task open(Account account, String clientId, QueueItem item) {
        return open(account, clientId, item, null);
    }

    /** As {@link #open(Account, String, QueueItem)}, for a task whose end is POSTed to {@code webhookUrl} (or null). */
    Task open(Account account, String clientId, QueueItem item, String webhookUrl) {
        return open(account, clientId, item, webhookUrl, false);
    }

    /** As {@link #open(Account, String, QueueItem, String)}, for a task a v2 run endpoint created (or not). */
    Task open(Account account, String clientId, QueueItem item, String webhookUrl, boolean v2) {
        Task task = new Task(newTaskId(), item.promptId(), clientId, account);
        task.webhookUrl = webhookUrl;
        task.v2 = v2;
        queue.atomically(() -> {
            byId.put(task.taskId(), task);
            byPrompt.put(task.promptId(), task);
            account.open().add(task);
            queue.put(item);
            return null;
        });
        created.incrementAndGet();
        return task;
    }

    /** Told of every task that ends, under the queue's lock: must not block. */
    void onEnd(java.util.function.Consumer<Task> listener) {
        this.onEnd = listener;
    }

    long created() {
        return created.get();
    }

    /** The account's task, or null if there is none with that id (unknown, forgotten, or another account's). */
    Task find(Account account, String taskId) {
        Task task = byId.get(taskId);
        return task == null || task.account() != account ? null : task;
    }

    /** A task of any account (the CDN's URLs work without a key), or null. */
    Task findAny(String taskId) {
        return byId.get(taskId);
    }

    String promptIdOf(String taskId) {
        Task task = byId.get(taskId);
        return task == null ? null : task.promptId();
    }

    Look look(Task task) {
        Outcome outcome = task.outcome;
        if (outcome != null) {
            return new Look(Phase.ENDED, outcome);
        }
        return queue.atomically(() -> {
            Outcome now = task.outcome;
            if (now != null) {
                return new Look(Phase.ENDED, now);
            }
            if (queue.isPending(task.promptId())) {
                return new Look(Phase.QUEUED, null);
            }
            if (queue.isRunning(task.promptId())) {
                return new Look(Phase.RUNNING, null);
            }
            // neither queued, running nor ended through the engine: a restart or a ComfyUI-side delete took it
            Outcome lost = Outcomes.lost();
            end(task, lost);
            return new Look(Phase.ENDED, lost);
        });
    }

    /**
     * Cancels a task: a queued one leaves the queue and ends at once, a running one is interrupted and ends (FAILED)
     * when its run stops, even if the interrupt came too late to stop it.
     */
    Cancel cancel(Task task) {
        Cancel result = queue.atomically(() -> {
            if (task.outcome != null) {
                return Cancel.NOT_ALLOWED;
            }
            if (queue.delete(task.promptId())) {
                end(task, Outcomes.cancelledInQueue());
                return Cancel.REMOVED_FROM_QUEUE;
            }
            if (queue.isRunning(task.promptId())) {
                task.cancelRequested = true;
                return Cancel.INTERRUPTED;
            }
            end(task, Outcomes.lost());
            return Cancel.NOT_ALLOWED;
        });
        if (result == Cancel.INTERRUPTED) {
            engine.interrupt(task.promptId());
        }
        return result;
    }

    /** The account's queued and running tasks. */
    int openTasks(Account account) {
        int open = 0;
        for (Task task : account.open()) {
            if (look(task).phase() != Phase.ENDED) {
                open++;
            }
        }
        return open;
    }

    /** Called by the queue, under its lock, when a prompt ends. */
    @Override
    public void promptDone(QueueItem item, HistoryEntry entry) {
        Task task = byPrompt.get(item.promptId());
        if (task == null || task.outcome != null) {
            return;
        }
        Outcome outcome;
        try {
            outcome = Outcomes.ran(entry, task.cancelRequested, dirs);
        } catch (RuntimeException e) {
            // never into the worker that called us: the task fails instead
            LOG.error("cannot read the outcome of RunningHub task {}", task.taskId(), e);
            outcome = Outcomes.ran(null, task.cancelRequested, dirs);
        }
        end(task, outcome);
    }

    /** Under the queue's lock. */
    private void end(Task task, Outcome outcome) {
        task.outcome = outcome;
        task.account().open().remove(task);
        if (outcome.success()) {
            task.account().charge(Long.parseLong(outcome.coins()));
        }
        ended.add(task);
        try {
            onEnd.accept(task);
        } catch (RuntimeException e) {
            LOG.error("the end of RunningHub task {} was not announced", task.taskId(), e);
        }
        if (endedCount.incrementAndGet() > MAX_ENDED) {
            Task oldest = ended.poll();
            endedCount.decrementAndGet();
            if (oldest != null) {
                byId.remove(oldest.taskId());
                byPrompt.remove(oldest.promptId(), oldest);
            }
        }
    }
}
