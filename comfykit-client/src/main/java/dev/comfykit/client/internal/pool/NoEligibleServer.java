package dev.comfykit.client.internal.pool;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The message when no server of a pool can run a workflow, naming what is missing where, e.g.
 * <pre>No server can run workflow t2i.json: gpu1 (http://gpu1:8188) lacks checkpoint sd_xl_base_1.0.safetensors
 * (CheckpointLoaderSimple.ckpt_name); gpu2 (http://gpu2:8188) lacks node class IPAdapterApply. Install them, or
 * route this workflow to servers that have them (labels).</pre>
 */
public final class NoEligibleServer {

    /** Kinds of files by input name, so that the message says "checkpoint" rather than "ckpt_name". */
    private static final Map<String, String> KINDS = Map.ofEntries(
            Map.entry("ckpt_name", "checkpoint"), Map.entry("lora_name", "LoRA"), Map.entry("vae_name", "VAE"),
            Map.entry("unet_name", "diffusion model"), Map.entry("control_net_name", "ControlNet"),
            Map.entry("upscale_model", "upscale model"), Map.entry("style_model_name", "style model"),
            Map.entry("clip_vision_name", "CLIP vision model"), Map.entry("hypernetwork_name", "hypernetwork"),
            Map.entry("gligen_name", "GLIGEN model"));

    /** What one server lacks, or that labels left it out. */
    public record Server(String name, String url, ServerCapabilities.Missing missing, boolean labelsDiffer) {

        /** A server that lacks something. */
        public static Server lacking(String name, String url, ServerCapabilities.Missing missing) {
            return new Server(name, url, missing, false);
        }

        /** A server that the prompt's label selector left out. */
        public static Server notSelected(String name, String url) {
            return new Server(name, url, ServerCapabilities.Missing.NOTHING, true);
        }
    }

    private NoEligibleServer() {
    }

    /**
     * The message.
     *
     * @param workflow the workflow as the user knows it (file name, source description)
     * @param selector the label selector asked for, or {@code null}/{@link LabelSelector#ANY}
     * @param servers  every server of the pool, in the pool's order
     */
    public static String message(String workflow, LabelSelector selector, List<Server> servers) {
        StringBuilder text = new StringBuilder("No server can run workflow ").append(workflow).append(':');
        if (servers.isEmpty()) {
            return text.append(" the pool has no servers.").toString();
        }
        List<String> parts = new ArrayList<>();
        boolean labels = false;
        for (Server server : servers) {
            String who = server.url() == null || server.url().equals(server.name()) ? server.name()
                    : server.name() + " (" + server.url() + ")";
            if (server.labelsDiffer()) {
                parts.add(who + " does not match labels " + selector);
                labels = true;
            } else {
                parts.add(who + " lacks " + lacks(server.missing()));
            }
        }
        text.append(' ').append(String.join("; ", parts)).append('.');
        text.append(labels && servers.stream().allMatch(Server::labelsDiffer)
                ? " Give servers the labels asked for (label.<key>=<value> in their servers entry), or ask for labels"
                + " that a server carries."
                : " Install them, or route this workflow to servers that have them (labels).");
        return text.toString();
    }

    /** "checkpoint a.safetensors (CheckpointLoaderSimple.ckpt_name), node class X". */
    static String lacks(ServerCapabilities.Missing missing) {
        List<String> items = new ArrayList<>();
        missing.models().forEach((input, files) -> {
            String inputName = input.substring(input.lastIndexOf('.') + 1);
            String kind = KINDS.getOrDefault(inputName, inputName.startsWith("clip_name") ? "text encoder" : "file");
            String plural = files.size() == 1 ? kind : kind + "s";
            items.add(plural + " " + String.join(", ", files) + " (" + input + ")");
        });
        TreeSet<String> classes = new TreeSet<>(missing.nodeClasses());
        if (!classes.isEmpty()) {
            items.add((classes.size() == 1 ? "node class " : "node classes ") + String.join(", ", classes));
        }
        return items.isEmpty() ? "nothing known (capabilities unknown)" : String.join(", ", items);
    }
}
