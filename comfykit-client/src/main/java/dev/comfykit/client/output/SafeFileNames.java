package dev.comfykit.client.output;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns a file name reported by a server into a name that is safe to create in a local directory: no directory
 * parts, no {@code ..}, no control or reserved characters, no leading dots, no trailing dots or spaces, no Windows
 * device names ({@code CON}, {@code NUL.txt}, {@code com1}), a bounded length (in characters and in UTF-8 bytes,
 * well under the 255-byte limit of common file systems). Whatever the server returns, the result resolves inside the
 * target directory.
 */
public final class SafeFileNames {

    private static final int MAX_LENGTH = 150;
    private static final int MAX_UTF8_BYTES = 200;
    // devices on Windows whatever the extension: "NUL.txt" opens the null device there
    private static final Pattern WINDOWS_DEVICE = Pattern.compile("(con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]"
            + "|lpt[0-9\u00b9\u00b2\u00b3]|conin\\$|conout\\$)(\\..*)?");

    private SafeFileNames() {
    }

    /** A safe base name for a server-reported file name; {@code output} when nothing usable remains. */
    public static String sanitize(String reported) {
        String name = reported == null ? "" : reported.replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1);
        StringBuilder safe = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean reserved = c < 0x20 || c == 0x7F || "<>:\"|?*".indexOf(c) >= 0;
            safe.append(reserved ? '_' : c);
        }
        String result = safe.toString().trim();
        while (result.startsWith(".")) {
            result = result.substring(1);
        }
        result = bounded(result);
        // Windows drops trailing dots and spaces, so "a.png." would name "a.png"
        result = result.replaceAll("[. ]+$", "");
        if (WINDOWS_DEVICE.matcher(result.toLowerCase(Locale.ROOT)).matches()) {
            result = "_" + result;
        }
        return result.isEmpty() ? "output" : result;
    }

    /** The name cut to the length limits, keeping a short extension. */
    private static String bounded(String name) {
        if (name.length() <= MAX_LENGTH && name.getBytes(StandardCharsets.UTF_8).length <= MAX_UTF8_BYTES) {
            return name;
        }
        int dot = name.lastIndexOf('.');
        String extension = dot > 0 && name.length() - dot <= 10 ? name.substring(dot) : "";
        String stem = name.substring(0, Math.min(name.length() - extension.length(), MAX_LENGTH - extension.length()));
        while (!stem.isEmpty() && (stem + extension).getBytes(StandardCharsets.UTF_8).length > MAX_UTF8_BYTES) {
            stem = stem.substring(0, stem.length() - 1);
        }
        if (!stem.isEmpty() && Character.isHighSurrogate(stem.charAt(stem.length() - 1))) {
            stem = stem.substring(0, stem.length() - 1); // never half a character
        }
        return stem + extension;
    }

    /**
     * The path for a name inside a directory, checked to stay inside it.
     *
     * @throws IllegalArgumentException if the name would leave the directory (never the case for sanitized names)
     */
    public static Path inside(Path directory, String safeName) {
        Path base = directory.toAbsolutePath().normalize();
        Path target = base.resolve(safeName).normalize();
        if (!target.getParent().equals(base)) {
            throw new IllegalArgumentException("File name " + safeName + " would leave " + base);
        }
        return target;
    }

    /** The n-th alternative of a name: {@code cat.png} becomes {@code cat (n).png}. */
    public static String numbered(String safeName, int n) {
        int dot = safeName.lastIndexOf('.');
        return dot > 0 ? safeName.substring(0, dot) + " (" + n + ")" + safeName.substring(dot)
                : safeName + " (" + n + ")";
    }
}
