package dev.comfykit.client;

import dev.comfykit.client.internal.backend.ServerOutputs;
import dev.comfykit.client.output.OutputNames;
import dev.comfykit.client.output.OutputSaver;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Downloads and saves output files for {@link ComfyKit}. Package-private (not API) because it reads an
 * {@link OutputFile}'s reader, which only this package sees: a file of a ComfyUI server is fetched without
 * blocking a thread; a saved file or another backend's is opened on the I/O executor.
 */
final class OutputDownloads {

    private final Executor io;

    OutputDownloads(Executor io) {
        this.io = io;
    }

    CompletableFuture<byte[]> download(OutputFile file) {
        return openStream(file).thenApplyAsync(in -> {
            try (in) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, io);
    }

    CompletableFuture<Long> download(OutputFile file, OutputStream out) {
        Objects.requireNonNull(out, "out");
        return openStream(file).thenApplyAsync(in -> {
            try (in) {
                return in.transferTo(out);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, io);
    }

    CompletableFuture<Path> download(OutputFile file, Path target) {
        Objects.requireNonNull(target, "target");
        return openStream(file).thenApplyAsync(in -> {
            try (in; OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                in.transferTo(out);
            } catch (IOException e) {
                try {
                    if (!(e instanceof java.nio.file.FileAlreadyExistsException)) {
                        Files.deleteIfExists(target);
                    }
                } catch (IOException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw new CompletionException(e);
            }
            return target;
        }, io);
    }

    CompletableFuture<InputStream> openStream(OutputFile file) {
        Objects.requireNonNull(file, "file");
        if (file.getPath() == null && file.reader() instanceof ServerOutputs server) {
            return server.view(file);
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                return file.openStream();
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, io);
    }

    CompletableFuture<ExecuteResult> saveOutputs(ExecuteResult result, Path directory, String baseName) {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(directory, "directory");
        List<CompletableFuture<OutputFile>> saved = new ArrayList<>();
        int count = result.getFiles().size();
        for (int i = 0; i < count; i++) {
            OutputFile file = result.getFiles().get(i);
            String name = baseName == null ? file.getFilename()
                    : OutputNames.forOutput(baseName, file.getFilename(), i, count);
            saved.add(openStream(file).thenApplyAsync(in -> {
                try (in) {
                    return file.withPath(OutputSaver.save(in, directory, name));
                } catch (IOException e) {
                    throw new CompletionException(e);
                }
            }, io));
        }
        return CompletableFuture.allOf(saved.toArray(new CompletableFuture[0])).thenApply(v -> {
            Map<OutputFile, OutputFile> byOriginal = new IdentityHashMap<>();
            for (int i = 0; i < saved.size(); i++) {
                byOriginal.put(result.getFiles().get(i), saved.get(i).join());
            }
            return result.withFiles(byOriginal::get);
        });
    }
}
