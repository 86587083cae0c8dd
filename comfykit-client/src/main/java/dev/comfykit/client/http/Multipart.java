package dev.comfykit.client.http;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A {@code multipart/form-data} request body with text fields and file parts (the JDK has no builder for it).
 */
public final class Multipart {

    private final String boundary = "comfykit-" + UUID.randomUUID().toString().replace("-", "");
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

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

    /** The finished body. */
    public byte[] toByteArray() {
        ByteArrayOutputStream copy = new ByteArrayOutputStream(body.size() + boundary.length() + 8);
        copy.writeBytes(body.toByteArray());
        copy.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return copy.toByteArray();
    }

    /** The finished body as a request publisher. */
    public HttpRequest.BodyPublisher publisher() {
        return HttpRequest.BodyPublishers.ofByteArray(toByteArray());
    }

    private void write(String text) {
        body.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String quote(String value) {
        // a quote or line break in a file name would end the header early
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\r", " ").replace("\n", " ");
    }
}
