package dev.comfykit.client.output;


import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes output files into a directory under safe names ({@link SafeFileNames}); an existing file is never
 * replaced: the new one gets a numbered name.
 */
public final class OutputSaver {

    private static final int MAX_ALTERNATIVES = 10_000;

    private OutputSaver() {
    }

    /**
     * Copies a stream into the directory under a safe version of the reported name.
     *
     * @return the written file
     */
    public static Path save(InputStream content, Path directory, String reportedName) throws IOException {
        Files.createDirectories(directory);
        String name = SafeFileNames.sanitize(reportedName);
        for (int n = 0; n < MAX_ALTERNATIVES; n++) {
            Path target = SafeFileNames.inside(directory, n == 0 ? name : SafeFileNames.numbered(name, n));
            OutputStream out;
            try {
                // CREATE_NEW claims the name atomically, so concurrent saves never overwrite each other
                out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                continue;
            }
            try (out) {
                content.transferTo(out);
            } catch (IOException e) {
                Files.deleteIfExists(target);
                throw e;
            }
            return target;
        }
        throw new IOException("No free name for " + name + " in " + directory);
    }
}
