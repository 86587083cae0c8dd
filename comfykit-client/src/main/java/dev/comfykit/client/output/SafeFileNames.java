package dev.comfykit.client.output;

import java.nio.file.Path;

/**
 * Turns a file name reported by a server into a name that is safe to create in a local directory: no directory
 * parts, no {@code ..}, no control or reserved characters, no leading dots, a bounded length. Whatever the server
 * returns, the result resolves inside the target directory.
 */
public final class SafeFileNames {

    private static final int MAX_LENGTH = 150;

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
        if (result.length() > MAX_LENGTH) {
            int dot = result.lastIndexOf('.');
            String extension = dot > 0 && result.length() - dot <= 10 ? result.substring(dot) : "";
            result = result.substring(0, MAX_LENGTH - extension.length()) + extension;
        }
        return result.isEmpty() ? "output" : result;
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
