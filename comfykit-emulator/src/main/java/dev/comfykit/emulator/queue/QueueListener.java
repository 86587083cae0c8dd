package dev.comfykit.emulator.queue;

/** Told of every queue change, as ComfyUI's {@code queue_updated} broadcasts a {@code status} event. */
@FunctionalInterface
public interface QueueListener {

    void queueUpdated(int queueRemaining);
}
