package dev.comfykit.emulator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How an emulator is configured; built by {@link ComfyUiEmulator.Builder} or {@link Main}'s flags.
 *
 * @param host          the address to listen on
 * @param port          the port; 0 picks a free one
 * @param dataDirectory the folder holding {@code input/}, {@code output/} and {@code temp/}; null for a temporary
 *                      folder that is deleted on close
 * @param stepTime      simulated time of one KSampler step
 * @param parallelism   how many prompts execute at once (1, like ComfyUI)
 * @param promptDelay   extra time every prompt takes (simulates a job of that length)
 * @param outputCache   whether unchanged node results are reused across prompts, as ComfyUI does
 * @param checkpoints   the file names CheckpointLoaderSimple offers
 * @param loras         the file names LoraLoader offers
 * @param vaes          the file names VAELoader offers
 * @param withoutNodes  node classes this emulator leaves out (absent from {@code /object_info}, refused in prompts
 *                      as a node type that does not exist), so that several emulators can differ in what they run
 * @param previewEvery  a KSampler sends a preview image (binary frame) every this many steps; 0 for none
 */
public record EmulatorOptions(String host, int port, Path dataDirectory, Duration stepTime, int parallelism,
                              Duration promptDelay, boolean outputCache, List<String> checkpoints,
                              List<String> loras, List<String> vaes, Set<String> withoutNodes, int previewEvery) {

    /** Options without sampler previews (the shape before {@code previewEvery}). */
    public EmulatorOptions(String host, int port, Path dataDirectory, Duration stepTime, int parallelism,
                           Duration promptDelay, boolean outputCache, List<String> checkpoints, List<String> loras,
                           List<String> vaes, Set<String> withoutNodes) {
        this(host, port, dataDirectory, stepTime, parallelism, promptDelay, outputCache, checkpoints, loras, vaes,
                withoutNodes, 0);
    }

    /** The checkpoint names offered by default: the real SD 1.5 and SDXL base file names. */
    public static final List<String> DEFAULT_CHECKPOINTS =
            List.of("v1-5-pruned-emaonly.safetensors", "sd_xl_base_1.0.safetensors");

    /** Options without left-out node classes (the shape before {@code withoutNodes}). */
    public EmulatorOptions(String host, int port, Path dataDirectory, Duration stepTime, int parallelism,
                           Duration promptDelay, boolean outputCache, List<String> checkpoints) {
        this(host, port, dataDirectory, stepTime, parallelism, promptDelay, outputCache, checkpoints, List.of(), List.of(), Set.of());
    }

    /** The files of each model folder ({@code checkpoints}, {@code loras}, {@code vae}), as {@code /models} lists them. */
    public Map<String, List<String>> models() {
        return Map.of("checkpoints", checkpoints, "loras", loras, "vae", vaes);
    }

    public EmulatorOptions {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1");
        }
        if (stepTime.isNegative() || promptDelay.isNegative()) {
            throw new IllegalArgumentException("times must not be negative");
        }
        if (previewEvery < 0) {
            throw new IllegalArgumentException("previewEvery must not be negative (0 sends no previews)");
        }
        checkpoints = List.copyOf(checkpoints);
        loras = List.copyOf(loras);
        vaes = List.copyOf(vaes);
        withoutNodes = Set.copyOf(withoutNodes);
    }
}
