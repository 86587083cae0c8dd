package dev.comfykit.emulator.queue;

/**
 * Told when a running prompt ends: right after it left the running list and its history entry was written, before
 * the change is broadcast. Called on the worker thread while the queue's lock is held, so anyone who looks at the
 * queue under that lock ({@link PromptQueue#atomically}) sees a prompt either still running or already reported
 * here. It must be quick, must not wait for other threads and must not throw. Not called for prompts a restart discarded.
 */
@FunctionalInterface
public interface CompletionListener {

    /**
     * @param item  the prompt that ended
     * @param entry its history entry, or null if the emulator failed to run it
     */
    void promptDone(QueueItem item, HistoryEntry entry);
}
