package dev.comfykit.emulator.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.emulator.files.DataDirectories;
import dev.comfykit.emulator.files.SaveNaming;
import java.time.Duration;

/** What a running node may use from the server around it. */
public interface NodeContext {

    String promptId();

    String nodeId();

    /** The workflow being executed (API format), embedded into saved PNGs as ComfyUI does. */
    JsonNode prompt();

    /** The prompt's {@code extra_data}; {@code extra_pnginfo} is embedded into saved PNGs. */
    JsonNode extraData();

    DataDirectories files();

    SaveNaming naming();

    /** Simulated time of one sampler step. */
    Duration stepTime();

    /** A sampler sends a preview image every this many steps; 0 for none. */
    default int previewEvery() {
        return 0;
    }

    /**
     * Reports progress like ComfyUI's progress bar ({@code progress} and {@code progress_state} events) and is
     * where interrupts and stalls are honoured.
     */
    void progress(long value, long max);

    /** Progress with a preview image, sent as binary WebSocket frames (as SaveImageWebsocket does). */
    void progress(long value, long max, java.awt.image.BufferedImage preview);

    /** A text shown under the node in the UI, sent as a binary TEXT frame to every socket (GetImageSize does it). */
    void progressText(String text);

    /** Waits for the given time; interrupts and stalls are honoured while waiting. */
    void sleep(Duration duration);
}
