package dev.comfykit.client;

import java.util.Objects;

/**
 * The name of a file already in the server's input folder (ComfyUI's {@code input/}, or a file RunningHub gave back
 * from an earlier upload): a media param value that is used as is, never read from the local disk or fetched.
 * <p>
 * The name is a plain file name: no path separators, no {@code ..}, no control characters. A plain {@code String}
 * given through the Java API may also name a local file or a URL (the caller is trusted); values from untrusted
 * sources become a {@code ServerFile} through a {@link MediaPolicy}, so that a name can never reach the local disk.
 *
 * @param name the file name on the server
 */
public record ServerFile(String name) {

    private static final int MAX_NAME_LENGTH = 255;

    /**
     * @throws InvalidParameterException when the name is not a plain file name
     */
    public ServerFile {
        Objects.requireNonNull(name, "name");
        String problem = problem(name);
        if (problem != null) {
            throw new InvalidParameterException(null, "'" + printable(name) + "' is not a file name on the server: "
                    + problem + ".");
        }
    }

    /** Why a text is not a plain file name, or {@code null} when it is one. */
    static String problem(String name) {
        if (name.isBlank()) {
            return "it is empty";
        }
        if (name.length() > MAX_NAME_LENGTH) {
            return "it is longer than " + MAX_NAME_LENGTH + " characters";
        }
        if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
            return "it contains a path separator";
        }
        if (name.equals(".") || name.contains("..")) {
            return "it contains '..'";
        }
        if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return "it contains a control character";
        }
        if (name.indexOf(':') >= 0) {
            return "it contains ':' (a drive letter or a URL scheme)";
        }
        return null;
    }

    /** The text with control characters shown as '?' and cut at 80 characters, for messages. */
    static String printable(String text) {
        String shown = text.chars().map(c -> c < 0x20 || c == 0x7f ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return shown.length() > 80 ? shown.substring(0, 80) + "..." : shown;
    }
}
