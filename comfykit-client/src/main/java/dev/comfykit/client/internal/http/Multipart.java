package dev.comfykit.client.internal.http;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A {@code multipart/form-data} request body with text fields and file parts (the JDK has no builder for it). A
 * file part is either bytes or a streamed {@link HttpRequest.BodyPublisher} (a file on disk), so a large upload is
 * sent as the multipart head, the file read in chunks, and the tail, without the file ever being in heap.
 */
public final class Multipart {

    private final String boundary = "comfykit-" + UUID.randomUUID().toString().replace("-", "");
    private final List<HttpRequest.BodyPublisher> streamed = new ArrayList<>();
    private ByteArrayOutputStream body = new ByteArrayOutputStream();
    private boolean closed;

    /** Adds a text field. */
    public Multipart field(String name, String value) {
        write("--" + boundary + "\r\n");
        write("Content-Disposition: form-data; name=\"" + quote(name) + "\"\r\n\r\n");
        write(value);
        write("\r\n");
        return this;
    }

    /** Adds a file part. */
    public Multipart file(String name, String filename, String contentType, byte[] content) {
        fileHead(name, filename, contentType);
        body.writeBytes(content);
        write("\r\n");
        return this;
    }

    /**
     * Adds a file part whose content is streamed from a publisher of known length (e.g.
     * {@link HttpRequest.BodyPublishers#ofFile}); the body is then only available as {@link #publisher()}.
     */
    public Multipart file(String name, String filename, String contentType, HttpRequest.BodyPublisher content) {
        fileHead(name, filename, contentType);
        streamed.add(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
        streamed.add(content);
        body = new ByteArrayOutputStream();
        write("\r\n");
        return this;
    }

    private void fileHead(String name, String filename, String contentType) {
        write("--" + boundary + "\r\n");
        write("Content-Disposition: form-data; name=\"" + quote(name) + "\"; filename=\"" + quote(filename) + "\"\r\n");
        write("Content-Type: " + contentType + "\r\n\r\n");
    }

    /** The {@code Content-Type} header value, with the boundary. */
    public String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    /**
     * The finished body; the closing boundary is written once, so write no parts after this.
     *
     * @throws IllegalStateException when a part is streamed (use {@link #publisher()})
     */
    public byte[] toByteArray() {
        if (!streamed.isEmpty()) {
            throw new IllegalStateException("a streamed multipart body has no byte array; use publisher()");
        }
        close();
        return body.toByteArray();
    }

    /**
     * The finished body as one publisher of known length: the buffered head and tail around the streamed parts.
     * Each subscription re-reads the streamed parts, so a retried request sends the same body.
     */
    public HttpRequest.BodyPublisher publisher() {
        close();
        List<HttpRequest.BodyPublisher> parts = new ArrayList<>(streamed);
        parts.add(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
        return HttpRequest.BodyPublishers.concat(parts.toArray(new HttpRequest.BodyPublisher[0]));
    }

    private void close() {
        if (!closed) {
            write("--" + boundary + "--\r\n");
            closed = true;
        }
    }

    private void write(String text) {
        body.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String quote(String value) {
        // a quote or line break in a file name would end the header early
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\r", " ").replace("\n", " ");
    }
}
