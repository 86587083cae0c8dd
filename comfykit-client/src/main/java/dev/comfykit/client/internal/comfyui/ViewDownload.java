package dev.comfykit.client.internal.comfyui;

import dev.comfykit.client.internal.http.ComfyUiTransport;
import dev.comfykit.client.internal.http.UnexpectedResponseException;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The content of one {@code GET /view} download as a stream that survives a dropped connection: when the body ends
 * early or fails, the rest is asked for with {@code Range: bytes=N-}; a 206 whose {@code Content-Range} starts at
 * {@code N} continues the stream, a 200 (a server that ignores Range) restarts it and skips the {@code N} bytes
 * already delivered. A file larger than the size limit (option {@code maxOutputBytes}) fails as soon as its
 * {@code Content-Length} or its bytes pass the limit. Nothing is buffered beyond the HTTP client's own buffers.
 */
public final class ViewDownload extends InputStream {

    /** How often one download is resumed before the failure is reported. */
    static final int MAX_RESUMES = 3;

    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

    private final ComfyUiTransport transport;
    private final String path;
    private final String filename;
    private final long maxBytes;
    private InputStream body;
    private long length;
    private long position;
    private int resumes;
    private boolean closed;

    private ViewDownload(ComfyUiTransport transport, String path, String filename, InputStream body, long length) {
        this.transport = transport;
        this.path = path;
        this.filename = filename;
        this.maxBytes = transport.maxOutputBytes();
        this.body = body;
        this.length = length;
    }

    /** Starts the download; fails on a status other than 200 and on a declared size over the limit. */
    static CompletableFuture<InputStream> open(ComfyUiTransport transport, String path, String filename) {
        return transport.getStream(path).thenApply(response -> {
            if (response.statusCode() != 200) {
                throw new CompletionException(failure(filename, response));
            }
            long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (length > transport.maxOutputBytes()) {
                close(response.body());
                throw new CompletionException(tooLarge(filename, length, transport.maxOutputBytes()));
            }
            return new ViewDownload(transport, path, filename, response.body(), length);
        });
    }

    private static IOException failure(String filename, HttpResponse<InputStream> response) {
        try (InputStream body = response.body()) {
            return new UnexpectedResponseException("GET /view " + filename, response.statusCode(),
                    body.readNBytes(300));
        } catch (IOException e) {
            return e;
        }
    }

    static IOException tooLarge(String filename, long size, long maxBytes) {
        return new IOException("Output " + filename + " is larger than the download limit of " + maxBytes
                + " bytes" + (size > 0 ? " (" + size + " bytes)" : "") + "; raise the option maxOutputBytes to"
                + " download it");
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int count) throws IOException {
        if (closed) {
            throw new IOException("The download of " + filename + " is closed");
        }
        if (count == 0) {
            return 0;
        }
        while (true) {
            int n;
            try {
                n = body.read(buffer, offset, count);
            } catch (IOException e) {
                resume(e);
                continue;
            }
            if (n < 0) {
                if (length >= 0 && position < length) {
                    resume(new IOException("the connection ended after " + position + " of " + length + " bytes"));
                    continue;
                }
                return -1;
            }
            position += n;
            if (position > maxBytes) {
                throw tooLarge(filename, length, maxBytes);
            }
            return n;
        }
    }

    /** Asks for the rest; throws the original failure when that is not possible. */
    private void resume(IOException cause) throws IOException {
        close(body);
        if (resumes++ >= MAX_RESUMES) {
            throw new IOException("Downloading " + filename + " failed after " + position + " bytes and "
                    + MAX_RESUMES + " resumes: " + cause.getMessage(), cause);
        }
        HttpResponse<InputStream> response = await(transport.getStream(path, "Range", "bytes=" + position + "-"),
                cause);
        int status = response.statusCode();
        if (status == 206) {
            String range = response.headers().firstValue("Content-Range").orElse("");
            Matcher m = CONTENT_RANGE.matcher(range);
            if (m.matches() && Long.parseLong(m.group(1)) == position) {
                if (!m.group(3).equals("*")) {
                    length = Long.parseLong(m.group(3));
                }
                body = response.body();
                return;
            }
            close(response.body());
            throw new IOException("Resuming " + filename + " at byte " + position + " got the range '" + range
                    + "'", cause);
        }
        if (status == 200) {
            // the server ignores Range: start over and skip what the reader already has
            InputStream restarted = response.body();
            try {
                restarted.skipNBytes(position);
            } catch (IOException e) {
                close(restarted);
                throw new IOException("Restarting " + filename + " failed: " + e.getMessage(), cause);
            }
            body = restarted;
            return;
        }
        IOException failure = failure(filename, response);
        failure.addSuppressed(cause);
        throw failure;
    }

    private HttpResponse<InputStream> await(CompletableFuture<HttpResponse<InputStream>> request, IOException cause)
            throws IOException {
        try {
            return request.get(transport.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException("Interrupted while resuming " + filename);
            interrupted.addSuppressed(cause);
            throw interrupted;
        } catch (ExecutionException | TimeoutException e) {
            IOException failure = new IOException("Resuming " + filename + " at byte " + position + " failed: "
                    + (e.getCause() == null ? e : e.getCause()), cause);
            throw failure;
        }
    }

    /** The bytes delivered so far. */
    public long position() {
        return position;
    }

    /** How often the download was resumed. */
    public int resumes() {
        return resumes;
    }

    @Override
    public void close() {
        closed = true;
        close(body);
    }

    private static void close(InputStream stream) {
        try {
            stream.close();
        } catch (IOException e) {
            // closing a finished or broken download: nothing to keep
        }
    }
}
