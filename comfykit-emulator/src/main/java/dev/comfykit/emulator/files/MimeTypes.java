package dev.comfykit.emulator.files;

import java.util.Locale;
import java.util.Map;

/** File extension to content type, as Python's {@code mimetypes} guesses it on the captured server. */
public final class MimeTypes {

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("bmp", "image/bmp"),
            Map.entry("tif", "image/tiff"),
            Map.entry("tiff", "image/tiff"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("ico", "image/vnd.microsoft.icon"),
            Map.entry("wav", "audio/x-wav"),
            Map.entry("flac", "audio/flac"),
            Map.entry("mp3", "audio/mpeg"),
            Map.entry("ogg", "audio/ogg"),
            Map.entry("opus", "audio/opus"),
            Map.entry("mp4", "video/mp4"),
            Map.entry("webm", "video/webm"),
            Map.entry("mov", "video/quicktime"),
            Map.entry("txt", "text/plain"),
            Map.entry("json", "application/json"));

    private MimeTypes() {
    }

    /** The guessed type, or null when the extension is unknown. */
    public static String guess(String filename) {
        return TYPES.get(extension(filename));
    }

    /** The lower-case extension after the last dot; empty if the name has no dot. */
    public static String extension(String filename) {
        int dot = filename.lastIndexOf('.');
        return dot < 0 ? "" : filename.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    public static boolean isImage(String filename) {
        String type = guess(filename);
        return type != null && type.startsWith("image");
    }
}
