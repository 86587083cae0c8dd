package dev.comfykit.client.internal.media;

import java.util.Locale;
import java.util.Map;

/**
 * File extensions and content types of media: from magic bytes (to name anonymous uploads) and from names (to
 * label multipart parts).
 */
public final class ContentTypes {

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"), Map.entry("webp", "image/webp"), Map.entry("bmp", "image/bmp"),
            Map.entry("tif", "image/tiff"), Map.entry("tiff", "image/tiff"),
            Map.entry("wav", "audio/wav"), Map.entry("mp3", "audio/mpeg"), Map.entry("flac", "audio/flac"),
            Map.entry("ogg", "audio/ogg"), Map.entry("m4a", "audio/mp4"),
            Map.entry("mp4", "video/mp4"), Map.entry("webm", "video/webm"), Map.entry("mov", "video/quicktime"),
            Map.entry("mkv", "video/x-matroska"), Map.entry("avi", "video/x-msvideo"));

    private static final Map<String, String> BY_TYPE = Map.ofEntries(
            Map.entry("image/png", "png"), Map.entry("image/jpeg", "jpg"), Map.entry("image/gif", "gif"),
            Map.entry("image/webp", "webp"), Map.entry("image/bmp", "bmp"), Map.entry("audio/wav", "wav"),
            Map.entry("audio/x-wav", "wav"), Map.entry("audio/mpeg", "mp3"), Map.entry("audio/flac", "flac"),
            Map.entry("audio/ogg", "ogg"), Map.entry("video/mp4", "mp4"), Map.entry("video/webm", "webm"),
            Map.entry("video/quicktime", "mov"));

    private ContentTypes() {
    }

    /** The content type for a file name, {@code application/octet-stream} when unknown. */
    public static String ofName(String filename) {
        int dot = filename.lastIndexOf('.');
        String ext = dot < 0 ? "" : filename.substring(dot + 1).toLowerCase(Locale.ROOT);
        return BY_EXTENSION.getOrDefault(ext, "application/octet-stream");
    }

    /** The extension for a content type, or {@code null}. */
    public static String extensionOfType(String contentType) {
        return contentType == null ? null : BY_TYPE.get(contentType.toLowerCase(Locale.ROOT));
    }

    /** The extension the magic bytes announce, {@code bin} when unknown. */
    public static String sniffExtension(byte[] b) {
        if (startsWith(b, 0, 0x89, 'P', 'N', 'G')) {
            return "png";
        }
        if (startsWith(b, 0, 0xFF, 0xD8, 0xFF)) {
            return "jpg";
        }
        if (startsWith(b, 0, 'G', 'I', 'F', '8')) {
            return "gif";
        }
        if (startsWith(b, 0, 'R', 'I', 'F', 'F') && startsWith(b, 8, 'W', 'E', 'B', 'P')) {
            return "webp";
        }
        if (startsWith(b, 0, 'R', 'I', 'F', 'F') && startsWith(b, 8, 'W', 'A', 'V', 'E')) {
            return "wav";
        }
        if (startsWith(b, 0, 'B', 'M')) {
            return "bmp";
        }
        if (startsWith(b, 0, 'f', 'L', 'a', 'C')) {
            return "flac";
        }
        if (startsWith(b, 0, 'O', 'g', 'g', 'S')) {
            return "ogg";
        }
        if (startsWith(b, 0, 'I', 'D', '3') || startsWith(b, 0, 0xFF, 0xFB)) {
            return "mp3";
        }
        if (startsWith(b, 4, 'f', 't', 'y', 'p')) {
            return "mp4";
        }
        if (startsWith(b, 0, 0x1A, 0x45, 0xDF, 0xA3)) {
            return "webm";
        }
        return "bin";
    }

    private static boolean startsWith(byte[] bytes, int offset, int... expected) {
        if (bytes.length < offset + expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if ((bytes[offset + i] & 0xFF) != expected[i]) {
                return false;
            }
        }
        return true;
    }
}
