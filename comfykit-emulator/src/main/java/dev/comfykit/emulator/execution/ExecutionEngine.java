package dev.comfykit.emulator.execution;

import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.emulator.files.DataDirectories;
import dev.comfykit.emulator.files.SaveNaming;
import dev.comfykit.emulator.json.Json;
import dev.comfykit.emulator.nodes.NodeRegistry;
import dev.comfykit.emulator.queue.HistoryEntry;
import dev.comfykit.emulator.queue.PromptQueue;
import dev.comfykit.emulator.queue.QueueItem;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs queued prompts off the HTTP event loop on a fixed set of worker threads (one, like ComfyUI, unless
 * configured otherwise). No thread per prompt: a worker takes the next prompt, runs it, writes history, and
 * sends the final {@code executing} with {@code node: null}.
 */
public final class ExecutionEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutionEngine.class);

    private final PromptQueue queue;
    private final PromptRun.Services services;
    private final StallGate stallGate;
    private final Object signals;
    private final Set<PromptRun> running = ConcurrentHashMap.newKeySet();
    /** Interrupts of prompts the queue already lists as running but whose run is not registered here yet. */
    private final Set<QueueItem> earlyInterrupts = ConcurrentHashMap.newKeySet();
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean stopped;

    public ExecutionEngine(PromptQueue queue, NodeRegistry registry, EventSink sink, EngineSettings settings,
                           DataDirectories files, SaveNaming naming, FailureInjector failures, StallGate stallGate) {
        this.queue = queue;
        this.stallGate = stallGate;
        this.signals = stallGate.signals();
        this.services = new PromptRun.Services(registry, new OutputCache(), sink, settings, files, naming, failures);
    }

    public void start() {
        for (int i = 0; i < services.settings().parallelism(); i++) {
            Thread t = new Thread(this::work, "comfyui-emulator-exec-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
    }

    private void work() {
        while (!stopped) {
            QueueItem item;
            try {
                item = queue.take(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (item == null) {
                continue;
            }
            PromptRun run = new PromptRun(item, services, new RunControl(signals, stallGate));
            running.add(run);
            if (earlyInterrupts.remove(item)) {
                run.control().interrupt();
            }
            HistoryEntry entry = null;
            try {
                if (item.epoch() == queue.epoch()) {
                    entry = run.run();
                }
            } catch (RuntimeException | Error e) {
                LOG.error("prompt {} failed inside the emulator", item.promptId(), e);
            } finally {
                running.remove(run);
            }
            queue.taskDone(item, entry);
            earlyInterrupts.remove(item);
            if (entry != null && run.clientId() != null && !run.control().aborted()) {
                ObjectNode done = Json.object();
                done.set("node", NullNode.getInstance());
                done.put("prompt_id", item.promptId());
                services.sink().send("executing", done, run.clientId());
            }
        }
    }

    /**
     * {@code POST /interrupt} without a prompt id: every prompt running now. The set is copied first: an
     * interrupted run ends at once and its worker may register the next prompt's run while a live iteration
     * is still going, which would interrupt that one too (ComfyUI clears its flag when a prompt starts).
     */
    public void interruptAll() {
        List.copyOf(running).forEach(r -> r.control().interrupt());
    }

    /**
     * {@code POST /interrupt {"prompt_id"}}: only if that prompt is running; otherwise nothing happens. A prompt the
     * queue has just handed to a worker, which has not started its run yet, is interrupted as soon as it starts.
     */
    public void interrupt(String promptId) {
        if (interruptRegistered(promptId)) {
            return;
        }
        for (QueueItem item : queue.runningItems()) {
            if (item.promptId().equals(promptId)) {
                earlyInterrupts.add(item);
                // the worker registers its run before it looks for an early interrupt: one of the two sees the other
                if (interruptRegistered(promptId)) {
                    earlyInterrupts.remove(item);
                }
            }
        }
    }

    private boolean interruptRegistered(String promptId) {
        boolean found = false;
        for (PromptRun r : running) {
            if (r.item().promptId().equals(promptId)) {
                r.control().interrupt();
                found = true;
            }
        }
        return found;
    }

    /** The node a client's prompt is executing now, or null (sent to a socket that reconnects meanwhile). */
    public String executingNodeFor(String clientId) {
        for (PromptRun r : running) {
            if (clientId.equals(r.clientId()) && r.currentNode() != null) {
                return r.currentNode();
            }
        }
        return null;
    }

    /** A restart: running prompts are dropped without a word, the output cache is gone. */
    public void restart() {
        running.forEach(r -> r.control().abort());
        services.cache().clear();
        services.naming().reset();
    }

    @Override
    public void close() {
        stopped = true;
        running.forEach(r -> r.control().abort());
        workers.forEach(Thread::interrupt);
        for (Thread t : workers) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
