package dev.comfykit.emulator.files;

import dev.comfykit.emulator.media.PngCodec;
import dev.comfykit.emulator.media.SamplerPainter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * ComfyUI ships {@code input/example.png}, so workflows that load it run out of the box; the emulator paints its
 * own deterministic one when the input folder has none.
 */
final class ExampleImage {

    private ExampleImage() {
    }

    static void provide(Path input) throws IOException {
        Path file = input.resolve("example.png");
        if (Files.exists(file)) {
            return;
        }
        byte[] png = PngCodec.encode(SamplerPainter.paint(new SamplerPainter.Scene(256, 256, 42, "example.png",
                List.of("comfykit-emulator"))), Map.of());
        Files.write(file, png);
    }
}
