package dev.comfykit.camel.observe;

import dev.comfykit.client.ComfyKit;

/**
 * Told what a component's producers do, for metrics. Called on the threads that complete executions and start or
 * stop endpoints: implementations are thread-safe, quick, and do not throw.
 */
public interface ActivityListener {

    /** An execution or wait ended. */
    default void finished(Execution execution) {
    }

    /** An endpoint started using a client that no other endpoint of the component used. */
    default void clientAttached(ComfyKit client) {
    }

    /** The last endpoint using a client stopped. */
    default void clientDetached(ComfyKit client) {
    }

    /** Media bytes went to ({@code upload}) or came from a server (by its name). */
    default void transferred(String server, boolean upload, long bytes) {
    }

    /** The component stops: release what was registered. */
    default void close() {
    }
}
