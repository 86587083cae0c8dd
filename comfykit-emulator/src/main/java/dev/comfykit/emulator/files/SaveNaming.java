package dev.comfykit.emulator.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * ComfyUI's output file naming: {@code prefix_00001_.png} with the counter continuing after the highest one on
 * disk (SaveImage, PreviewImage, SaveAudio), and VideoHelperSuite's {@code prefix_00001.gif}.
 * <p>
 * ComfyUI lists the folder on every save; under a benchmark that is quadratic, so the next counter is kept in
 * memory after the first listing and re-checked against the disk only when the expected name is taken.
 */
public final class SaveNaming {

    /** Where to write: folder, base file name, first counter, and the subfolder reported to clients. */
    public record Target(Path folder, String filename, int counter, String subfolder) {

        /** {@code filename_00001_.ext}: ComfyUI core's pattern. */
        public String comfyName(int index, String extension) {
            return comfyName(filename, counter + index, extension);
        }

        /** {@code base_00001_.ext} (String.format is measurably slow at thousands of saves per second). */
        public static String comfyName(String base, int counter, String extension) {
            return base + "_" + pad5(counter) + "_." + extension;
        }

        /** {@code filename_00001.ext}: VideoHelperSuite's pattern. */
        public String vhsName(String extension) {
            return filename + "_" + pad5(counter) + "." + extension;
        }

        private static String pad5(int n) {
            String digits = Integer.toString(n);
            return digits.length() >= 5 ? digits : "00000".substring(digits.length()) + digits;
        }
    }

    /** Thrown for a prefix that would write outside the output folder (ComfyUI raises a plain Exception). */
    public static final class OutsideOutputFolder extends Exception {
        private static final long serialVersionUID = 1L;

        OutsideOutputFolder(String message) {
            super(message);
        }
    }

    private final Map<String, Integer> next = new HashMap<>();

    public synchronized Target reserve(Path baseDir, String prefix, int width, int height, int count)
            throws OutsideOutputFolder {
        return reserve(baseDir, prefix, width, height, count, false);
    }

    public synchronized Target reserveVhs(Path baseDir, String prefix) throws OutsideOutputFolder {
        return reserve(baseDir, prefix, 0, 0, 1, true);
    }

    /** Forgets the remembered counters (a restart lists the folders again). */
    public synchronized void reset() {
        next.clear();
    }

    private Target reserve(Path baseDir, String prefix, int width, int height, int count, boolean vhs)
            throws OutsideOutputFolder {
        if (prefix.contains("%")) {
            prefix = computeVars(prefix, width, height);
        }
        String normalized = normpath(prefix);
        int slash = normalized.lastIndexOf('/');
        String subfolder = slash < 0 ? "" : normalized.substring(0, slash);
        String filename = slash < 0 ? normalized : normalized.substring(slash + 1);
        Path folder = baseDir.resolve(subfolder).toAbsolutePath().normalize();
        if (!folder.startsWith(baseDir)) {
            throw new OutsideOutputFolder("**** ERROR: Saving image outside the output folder is not allowed."
                    + "\n full_output_folder: " + folder
                    + "\n         output_dir: " + baseDir
                    + "\n         commonpath: " + common(baseDir, folder));
        }
        String key = (vhs ? "vhs:" : "core:") + folder + "\u0000" + filename;
        Integer counter = next.get(key);
        if (counter == null || taken(folder, filename, counter, vhs)) {
            counter = scan(folder, filename, vhs) + 1;
        }
        next.put(key, counter + count);
        return new Target(folder, filename, counter, subfolder);
    }

    private static boolean taken(Path folder, String filename, int counter, boolean vhs) {
        Target probe = new Target(folder, filename, counter, "");
        String name = vhs ? probe.vhsName("png") : probe.comfyName(0, "png");
        return Files.exists(folder.resolve(name));
    }

    /** The highest counter on disk for this base name (0 if none); creates the folder if missing. */
    private static int scan(Path folder, String filename, boolean vhs) {
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            return 0;
        }
        Pattern vhsPattern = Pattern.compile(Pattern.quote(filename) + "_(\\d+)\\D*\\..+", Pattern.CASE_INSENSITIVE);
        int max = 0;
        try (Stream<Path> files = Files.list(folder)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                int digits;
                if (vhs) {
                    Matcher m = vhsPattern.matcher(name);
                    if (!m.matches()) {
                        continue;
                    }
                    digits = parse(m.group(1));
                } else {
                    int len = filename.length();
                    if (name.length() <= len || !name.startsWith(filename) || name.charAt(len) != '_') {
                        continue;
                    }
                    String rest = name.substring(len + 1);
                    int underscore = rest.indexOf('_');
                    digits = parse(underscore < 0 ? rest : rest.substring(0, underscore));
                }
                max = Math.max(max, digits);
            }
        } catch (IOException e) {
            return max;
        }
        return max;
    }

    private static int parse(String digits) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String computeVars(String input, int width, int height) {
        LocalDateTime now = LocalDateTime.now();
        return input.replace("%width%", Integer.toString(width))
                .replace("%height%", Integer.toString(height))
                .replace("%year%", Integer.toString(now.getYear()))
                .replace("%month%", String.format("%02d", now.getMonthValue()))
                .replace("%day%", String.format("%02d", now.getDayOfMonth()))
                .replace("%hour%", String.format("%02d", now.getHour()))
                .replace("%minute%", String.format("%02d", now.getMinute()))
                .replace("%second%", String.format("%02d", now.getSecond()));
    }

    /** Python's {@code os.path.normpath} for relative POSIX paths. */
    static String normpath(String path) {
        if (path.isEmpty()) {
            return ".";
        }
        boolean absolute = path.startsWith("/");
        java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..") && !parts.isEmpty() && !parts.peekLast().equals("..")) {
                parts.removeLast();
            } else if (!(part.equals("..") && absolute)) {
                parts.addLast(part);
            }
        }
        String joined = String.join("/", parts);
        if (absolute) {
            return "/" + joined;
        }
        return joined.isEmpty() ? "." : joined;
    }

    private static Path common(Path a, Path b) {
        Path result = a.getRoot();
        int n = Math.min(a.getNameCount(), b.getNameCount());
        for (int i = 0; i < n && a.getName(i).equals(b.getName(i)); i++) {
            result = result.resolve(a.getName(i));
        }
        return result;
    }
}
