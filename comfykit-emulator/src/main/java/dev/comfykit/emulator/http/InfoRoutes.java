package dev.comfykit.emulator.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.emulator.json.Json;
import dev.comfykit.emulator.nodes.NodeRegistry;
import dev.comfykit.emulator.ws.Messages;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/** Read-only information routes: object_info, system_stats, features, models, embeddings, extensions. */
final class InfoRoutes {

    static final String COMFYUI_VERSION = "0.3.65";
    private static final List<String> MODEL_FOLDERS = List.of("checkpoints", "configs", "loras", "vae", "text_encoders",
            "diffusion_models", "clip_vision", "style_models", "embeddings", "diffusers", "vae_approx", "controlnet",
            "gligen", "upscale_models", "custom_nodes", "hypernetworks", "photomaker", "classifiers", "model_patches",
            "audio_encoders");

    private final NodeRegistry registry;
    private final Map<String, List<String>> models;
    private final List<String> argv;
    private final String version;

    InfoRoutes(NodeRegistry registry, Map<String, List<String>> models, List<String> argv) {
        this(registry, models, argv, COMFYUI_VERSION);
    }

    /** @param version the ComfyUI version {@code /system_stats} reports (the protocol the emulator speaks) */
    InfoRoutes(NodeRegistry registry, Map<String, List<String>> models, List<String> argv, String version) {
        this.registry = registry;
        this.models = models;
        this.argv = argv;
        this.version = version;
    }

    void objectInfo(RoutingContext ctx) {
        ctx.vertx().executeBlocking(() -> Json.bytes(registry.objectInfo()), false)
                .onComplete(ar -> {
                    if (ar.failed()) {
                        Responses.serverError(ctx);
                    } else {
                        Responses.json(ctx, 200, ar.result());
                    }
                });
    }

    void objectInfoOne(RoutingContext ctx) {
        String name = ctx.pathParam("node_class");
        ctx.vertx().executeBlocking(() -> Json.bytes(registry.objectInfo(name)), false)
                .onComplete(ar -> {
                    if (ar.failed()) {
                        Responses.serverError(ctx);
                    } else {
                        Responses.json(ctx, 200, ar.result());
                    }
                });
    }

    void systemStats(RoutingContext ctx) {
        Runtime rt = Runtime.getRuntime();
        long total = rt.maxMemory();
        long free = total - (rt.totalMemory() - rt.freeMemory());
        ObjectNode body = Json.object();
        ObjectNode system = body.putObject("system");
        system.put("os", "posix");
        system.put("ram_total", total);
        system.put("ram_free", free);
        system.put("comfyui_version", version);
        system.put("required_frontend_version", "1.28.7");
        system.set("installed_templates_version", NullNode.getInstance());
        system.put("required_templates_version", "0.1.95");
        system.put("python_version", "3.11.2 (comfykit-emulator on Java " + System.getProperty("java.version") + ")");
        system.put("pytorch_version", "emulated");
        system.put("embedded_python", false);
        ArrayNode args = system.putArray("argv");
        argv.forEach(args::add);
        ObjectNode device = body.putArray("devices").addObject();
        device.put("name", "cpu");
        device.put("type", "cpu");
        device.set("index", NullNode.getInstance());
        device.put("vram_total", total);
        device.put("vram_free", free);
        device.put("torch_vram_total", total);
        device.put("torch_vram_free", free);
        Responses.json(ctx, 200, body);
    }

    void features(RoutingContext ctx) {
        Responses.json(ctx, 200, Messages.features());
    }

    void emptyList(RoutingContext ctx) {
        Responses.json(ctx, 200, Json.array());
    }

    void models(RoutingContext ctx) {
        ArrayNode folders = Json.array();
        MODEL_FOLDERS.forEach(folders::add);
        Responses.json(ctx, 200, folders);
    }

    void modelsIn(RoutingContext ctx) {
        String folder = ctx.pathParam("folder");
        if (!MODEL_FOLDERS.contains(folder)) {
            Responses.empty(ctx, 404);
            return;
        }
        ArrayNode files = Json.array();
        models.getOrDefault(folder, List.of()).forEach(files::add);
        Responses.json(ctx, 200, files);
    }
}
