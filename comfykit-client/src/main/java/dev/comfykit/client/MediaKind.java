package dev.comfykit.client;

import java.util.Locale;
import java.util.Set;

/**
 * The media lists of an {@link ExecuteResult} that an output file belongs to.
 */
public enum MediaKind {
    IMAGE, VIDEO, AUDIO,
    /** Any other file (a latent, a 3D model, an archive): kept in the result's files, in none of the media lists. */
    OTHER;

    private static final Set<String> VIDEO_EXTENSIONS = Set.of("mp4", "webm", "mov", "avi", "mkv", "m4v", "gif");
    private static final Set<String> AUDIO_EXTENSIONS = Set.of("wav", "mp3", "flac", "ogg", "m4a", "aac", "opus");
    private static final Set<String> IMAGE_EXTENSIONS =
            Set.of("png", "jpg", "jpeg", "webp", "gif", "bmp", "tif", "tiff");

    /**
     * Classifies an output file by the key it was listed under in ComfyUI's output dictionary and its extension.
     * {@code gifs} is the key video nodes such as {@code VHS_VideoCombine} use for every format, so it always means
     * video; {@code audio} always means audio; anything else is decided by the extension, an animated GIF counting
     * as video only under a video key. Under {@code images} an unknown extension is still an image; under other keys
     * (or none) it is {@link #OTHER}.
     */
    public static MediaKind classify(String outputKey, String filename) {
        String key = outputKey == null ? "" : outputKey.toLowerCase(Locale.ROOT);
        if (key.equals("gifs") || key.equals("video") || key.equals("videos")) {
            return VIDEO;
        }
        if (key.equals("audio") || key.equals("audios")) {
            return AUDIO;
        }
        String extension = extensionOf(filename);
        if (AUDIO_EXTENSIONS.contains(extension)) {
            return AUDIO;
        }
        if (VIDEO_EXTENSIONS.contains(extension) && !extension.equals("gif")) {
            return VIDEO;
        }
        if (IMAGE_EXTENSIONS.contains(extension) || key.equals("images")) {
            return IMAGE;
        }
        return OTHER;
    }

    static String extensionOf(String filename) {
        if (filename == null) {
            return "";
        }
        int dot = filename.lastIndexOf('.');
        return dot < 0 ? "" : filename.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
