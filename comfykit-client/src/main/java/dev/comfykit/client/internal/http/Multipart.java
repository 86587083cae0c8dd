package dev.comfykit.client.internal.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A {@code multipart/form-data} request body with text fields and file parts (the JDK has no builder for it).
 */
public final class Multipart {

    private final String boundary = "comfykit-" + UUID.randomUUID().toString().replace("-", "");
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
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
        write("--" + boundary + "\r\n");
        write("Content-Disposition: form-data; name=\"" + quote(name) + "\"; filename=\"" + quote(filename) + "\"\r\n");
        write("Content-Type: " + contentType + "\r\n\r\n");
        body.writeBytes(content);
        write("\r\n");
        return this;
    }

    /** The {@code Content-Type} header value, with the boundary. */
    public String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    /** The finished body; the closing boundary is written once, so write no parts after this. */
    public byte[] toByteArray() {
        if (!closed) {
            write("--" + boundary + "--\r\n");
            closed = true;
        }
        return body.toByteArray();
    }

    private void write(String text) {
        body.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String quote(String value) {
        // a quote or line break in a file name would end the header early
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\r", " ").replace("\n", " ");
    }
}
