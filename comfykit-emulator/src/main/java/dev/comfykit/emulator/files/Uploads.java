package dev.comfykit.emulator.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@code POST /upload/image} as ComfyUI does it: files go to input, temp or output (plus an optional subfolder);
 * without {@code overwrite} an existing file with the same bytes is reused under its name, and different bytes
 * get {@code "name (1).png"}, {@code "name (2).png"}, ...
 */
public final class Uploads {

    /** The JSON answer's fields. */
    public record Stored(String name, String subfolder, String type) {
    }

    /** Writes the stored file; a plain upload copies the uploaded bytes. */
    @FunctionalInterface
    public interface Writer {
        void write(Path uploaded, Path target) throws IOException;

        Writer COPY = (uploaded, target) -> Files.copy(uploaded, target, StandardCopyOption.REPLACE_EXISTING);
    }

    /** A request ComfyUI answers with an empty 400. */
    public static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;
    }

    private final DataDirectories dirs;

    public Uploads(DataDirectories dirs) {
        this.dirs = dirs;
    }

    /**
     * Stores an uploaded file. Unknown {@code type} values must be rejected by the caller with a 500, as the
     * real server crashes on them before looking at the file.
     */
    public Stored store(Path uploaded, String filename, String type, String subfolder, String overwrite)
            throws Rejected, IOException {
        return store(uploaded, filename, type, subfolder, overwrite, Writer.COPY);
    }

    /** Stores an upload through the given writer (naming and dedup compare the uploaded bytes, as ComfyUI does). */
    public synchronized Stored store(Path uploaded, String filename, String type, String subfolder, String overwrite,
                                     Writer writer) throws Rejected, IOException {
        String dirType = type == null ? "input" : type;
        Path base = dirs.byType(dirType);
        if (base == null) {
            throw new IllegalArgumentException("unknown upload type " + type);
        }
        String sub = subfolder == null ? "" : subfolder;
        Path folder = base.resolve(SaveNaming.normpath(sub)).normalize();
        Path file = folder.resolve(filename).toAbsolutePath().normalize();
        if (!file.startsWith(base)) {
            throw new Rejected();
        }
        Files.createDirectories(folder);
        String name = filename;
        boolean duplicate = false;
        if (!("true".equals(overwrite) || "1".equals(overwrite))) {
            int dot = filename.lastIndexOf('.');
            boolean hasExtension = dot > 0;
            String stem = hasExtension ? filename.substring(0, dot) : filename;
            String ext = hasExtension ? filename.substring(dot) : "";
            int i = 1;
            while (Files.exists(file)) {
                if (Files.isRegularFile(file) && Files.mismatch(file, uploaded) == -1L) {
                    duplicate = true;
                    break;
                }
                name = stem + " (" + i + ")" + ext;
                file = folder.resolve(name);
                i++;
            }
        }
        if (!duplicate) {
            writer.write(uploaded, file);
        }
        return new Stored(name, sub, dirType);
    }
}
