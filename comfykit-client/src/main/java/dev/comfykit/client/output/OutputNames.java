package dev.comfykit.client.output;

/**
 * Names output files after something the caller chose (typically the input file), so the link between input and
 * output survives: one output of {@code prompt-1} becomes {@code prompt-1.png}, several become
 * {@code prompt-1-1.png}, {@code prompt-1-2.png}, ... The extension comes from the server's file name.
 * <p>
 * The base name may come from an untrusted message: it passes through {@link SafeFileNames}, so it can never
 * name a directory or a path outside the target directory.
 */
public final class OutputNames {

    private OutputNames() {
    }

    /**
     * The base name of an input file name: no directory parts, no last extension, made safe
     * ({@code in/prompt-1.txt} gives {@code prompt-1}).
     */
    public static String baseNameOf(String inputFileName) {
        String name = SafeFileNames.sanitize(inputFileName);
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /**
     * The name of one output among {@code count}: {@code <base>.<ext>} when it is the only one, else
     * {@code <base>-<index + 1>.<ext>}.
     *
     * @param baseName     the chosen base name (sanitized here; a path keeps only its last part)
     * @param reportedName the server's name of the output, which gives the extension
     * @param index        the output's position, from 0
     * @param count        how many outputs the result has
     */
    public static String forOutput(String baseName, String reportedName, int index, int count) {
        String base = SafeFileNames.sanitize(baseName);
        String extension = extensionOf(SafeFileNames.sanitize(reportedName));
        String numbered = count == 1 ? base : base + "-" + (index + 1);
        return SafeFileNames.sanitize(numbered + extension);
    }

    private static String extensionOf(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 && name.length() - dot <= 10 ? name.substring(dot) : "";
    }
}
