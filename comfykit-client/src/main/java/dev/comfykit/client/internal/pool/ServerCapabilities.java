package dev.comfykit.client.internal.pool;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Whether one ComfyUI server can run a workflow: it must have every node class and every model file the workflow
 * names (checkpoints, LoRAs, VAEs, upscalers: the choice lists of its {@code /object_info}), and carry the labels
 * asked for.
 */
public interface ServerCapabilities {

    /** What the server lacks to run a graph; empty when it can run it. */
    CompletableFuture<Missing> missing(ObjectNode graph);

    /** Forgets what is cached, after a reconnect or a validation error about a missing node or model. */
    void refresh();

    /**
     * What a server lacks.
     *
     * @param nodeClasses node {@code class_type}s the server does not have
     * @param models      per input (e.g. {@code CheckpointLoaderSimple.ckpt_name}), the files it does not offer
     */
    record Missing(Set<String> nodeClasses, Map<String, List<String>> models) {

        public static final Missing NOTHING = new Missing(Set.of(), Map.of());

        public boolean isEmpty() {
            return nodeClasses.isEmpty() && models.isEmpty();
        }
    }

    /** A server whose capabilities are not checked: it can run everything (the behaviour before routing). */
    static ServerCapabilities unchecked() {
        return new ServerCapabilities() {
            @Override
            public CompletableFuture<Missing> missing(ObjectNode graph) {
                return CompletableFuture.completedFuture(Missing.NOTHING);
            }

            @Override
            public void refresh() {
            }
        };
    }
}
