package dev.comfykit.emulator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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
 */
public record EmulatorOptions(String host, int port, Path dataDirectory, Duration stepTime, int parallelism,
                              Duration promptDelay, boolean outputCache, List<String> checkpoints) {

    /** The checkpoint names offered by default: the real SD 1.5 and SDXL base file names. */
    public static final List<String> DEFAULT_CHECKPOINTS =
            List.of("v1-5-pruned-emaonly.safetensors", "sd_xl_base_1.0.safetensors");

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
        checkpoints = List.copyOf(checkpoints);
    }
}
