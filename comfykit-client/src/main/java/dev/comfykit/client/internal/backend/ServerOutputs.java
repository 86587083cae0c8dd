package dev.comfykit.client.internal.backend;

import dev.comfykit.client.OutputFile;
import dev.comfykit.client.internal.comfyui.ComfyUiApi;
import dev.comfykit.client.internal.execution.Failures;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads the output files of one ComfyUI server ({@code /view}). Each server's results carry their own reader, so
 * a file is always fetched from the server that made it.
 */
public final class ServerOutputs implements OutputFile.Reader {

    private final ComfyUiApi api;
    private final Duration requestTimeout;

    public ServerOutputs(ComfyUiApi api, Duration requestTimeout) {
        this.api = api;
        this.requestTimeout = requestTimeout;
    }

    /** Opens a file's content without blocking. */
    public CompletableFuture<InputStream> view(OutputFile file) {
        return api.view(file.getFilename(), file.getSubfolder(), file.getType());
    }

    /** Opens a file's content, blocking for at most the request timeout. */
    @Override
    public InputStream open(OutputFile file) throws IOException {
        try {
            return view(file).get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while downloading " + file.getFilename(), e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = Failures.unwrap(e);
            throw cause instanceof IOException io ? io
                    : new IOException("Cannot download " + file.getFilename() + ": " + Failures.describe(cause), cause);
        }
    }
}
