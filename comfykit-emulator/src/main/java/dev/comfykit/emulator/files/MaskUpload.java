package dev.comfykit.emulator.files;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.emulator.json.Json;
import dev.comfykit.emulator.media.PngCodec;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code POST /upload/mask}: the uploaded image's alpha channel is put onto the image named by {@code original_ref}
 * and the result is stored under the upload's name. Like ComfyUI, a bad or missing {@code original_ref} target
 * writes nothing but the request still answers 200 (the real server ignores its save function's answer).
 */
public final class MaskUpload implements Uploads.Writer {

    private final DataDirectories dirs;
    private final String originalRef;

    public MaskUpload(DataDirectories dirs, String originalRef) {
        this.dirs = dirs;
        this.originalRef = originalRef;
    }

    @Override
    public void write(Path uploaded, Path target) throws IOException {
        Path original = original();
        if (original == null || !Files.isRegularFile(original)) {
            return;
        }
        BufferedImage base = PngCodec.read(original);
        BufferedImage mask = PngCodec.read(uploaded);
        if (base == null || mask == null) {
            throw new IOException("cannot identify image file");
        }
        BufferedImage out = new BufferedImage(base.getWidth(), base.getHeight(), BufferedImage.TYPE_INT_ARGB);
        boolean maskHasAlpha = mask.getColorModel().hasAlpha();
        for (int y = 0; y < base.getHeight(); y++) {
            for (int x = 0; x < base.getWidth(); x++) {
                int alpha = maskHasAlpha && x < mask.getWidth() && y < mask.getHeight() ? mask.getRGB(x, y) >>> 24 : 255;
                out.setRGB(x, y, (alpha << 24) | (base.getRGB(x, y) & 0xFFFFFF));
            }
        }
        Files.write(target, PngCodec.encode(out, Map.of()));
    }

    /** ComfyUI's rules for {@code original_ref}: annotated name, no ".." or leading "/", type output by default. */
    private Path original() throws IOException {
        JsonNode ref;
        try {
            ref = Json.parse(originalRef == null ? "" : originalRef);
        } catch (IOException e) {
            throw new IOException("original_ref is not JSON", e);
        }
        DataDirectories.Annotated annotated = dirs.annotated(ref.path("filename").asText(""));
        String filename = annotated.name();
        if (filename.isEmpty() || filename.charAt(0) == '/' || filename.contains("..")) {
            return null;
        }
        Path base = annotated.base() != null ? annotated.base() : dirs.byType(ref.path("type").asText("output"));
        if (base == null) {
            return null;
        }
        String subfolder = ref.path("subfolder").asText("");
        if (!subfolder.isEmpty()) {
            Path folder = base.resolve(subfolder).toAbsolutePath().normalize();
            if (!folder.startsWith(base)) {
                return null;
            }
            base = folder;
        }
        return base.resolve(filename);
    }
}
