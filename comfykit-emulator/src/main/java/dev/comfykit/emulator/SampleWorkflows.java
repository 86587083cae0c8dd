package dev.comfykit.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The sample API-format workflows shipped with the emulator (resources under {@code /workflows/}), with title-DSL
 * markers in {@code _meta.title}. {@code text} and {@code image-invert} also run unchanged on a real ComfyUI;
 * {@code t2i} needs a real checkpoint there; {@code audio} and {@code video} use nodes only the emulator (tone
 * generator) or a custom node pack (VideoHelperSuite) provides.
 */
public final class SampleWorkflows {

    /** Text to image: {@code $prompt.text!}, {@code $seed}, {@code $width}, {@code $height}, {@code $output.image}. */
    public static final String T2I = "t2i";
    /** Image edit: {@code $image.~image!} (LoadImage) inverted, {@code $output.image}. */
    public static final String IMAGE_INVERT = "image-invert";
    /** Text: {@code $text.value!} concatenated, previewed as {@code $output.text}. */
    public static final String TEXT = "text";
    /** Audio: a sine tone saved as WAV, {@code $output.audio}. */
    public static final String AUDIO = "audio";
    /** Video-like: sampled frames combined into an animated GIF, {@code $output.video}. */
    public static final String VIDEO = "video";

    private SampleWorkflows() {
    }

    public static List<String> names() {
        return List.of(T2I, IMAGE_INVERT, TEXT, AUDIO, VIDEO);
    }

    /** The workflow's JSON text. */
    public static String json(String name) {
        try (InputStream in = SampleWorkflows.class.getResourceAsStream("/workflows/" + name + ".json")) {
            if (in == null) {
                throw new IllegalArgumentException("no sample workflow " + name + "; known: " + names());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
