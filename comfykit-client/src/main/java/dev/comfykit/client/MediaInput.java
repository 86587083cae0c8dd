package dev.comfykit.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A file to upload for a media param, with the name to upload it under. Plain {@code Path}, {@code File},
 * {@code byte[]}, {@code InputStream} and URL values work too; use this class to choose the file name (a
 * {@code byte[]} or stream is otherwise named after a hash of its content).
 * <p>
 * Files and streams are uploaded to ComfyUI without being loaded into heap: a file is streamed from disk, a stream
 * is first copied once to a temporary file (deleted after the upload) so that it can be hashed and sent.
 */
public final class MediaInput {

    private interface Content {
        byte[] read(long maxBytes) throws IOException;
    }

    private final String filename;
    private final Content content;
    private final String description;
    private final Path file;
    private final InputStream stream;
    private final byte[] bytes;

    private MediaInput(String filename, Content content, String description, Path file, InputStream stream,
                       byte[] bytes) {
        this.filename = Objects.requireNonNull(filename, "filename");
        this.content = content;
        this.description = description;
        this.file = file;
        this.stream = stream;
        this.bytes = bytes;
    }

    /** A local file, uploaded under its own name. */
    public static MediaInput of(Path file) {
        Objects.requireNonNull(file, "file");
        return new MediaInput(String.valueOf(file.getFileName()), max -> readFile(file, max), "file " + file, file, null,
                null);
    }

    /** Bytes, uploaded under the given name (its extension tells ComfyUI the format). */
    public static MediaInput of(byte[] bytes, String filename) {
        Objects.requireNonNull(bytes, "bytes");
        return new MediaInput(filename, max -> checkSize(bytes.length, max, "content of " + filename, bytes),
                bytes.length + " bytes named " + filename, null, null, bytes);
    }

    /** A stream, read once and uploaded under the given name; the caller closes it. */
    public static MediaInput of(InputStream stream, String filename) {
        Objects.requireNonNull(stream, "stream");
        return new MediaInput(filename, max -> readStream(stream, max), "stream named " + filename, null,
                stream, null);
    }

    /** The name to upload under. */
    public String filename() {
        return filename;
    }

    /** The local file this input uploads, or {@code null} for bytes and streams. */
    public Path file() {
        return file;
    }

    /** Whether the content can be read more than once ({@code false} for a stream). */
    public boolean isRepeatable() {
        return stream == null;
    }

    /**
     * Opens the content as a stream: the file, the bytes, or (once only) the given stream.
     *
     * @throws IOException when the file cannot be opened
     */
    public InputStream openStream() throws IOException {
        if (file != null) {
            return Files.newInputStream(file);
        }
        return stream != null ? stream : new java.io.ByteArrayInputStream(bytes);
    }

    /**
     * Reads the content.
     *
     * @throws IOException when it cannot be read or is larger than {@code maxBytes}
     */
    public byte[] read(long maxBytes) throws IOException {
        return content.read(maxBytes);
    }

    /** Reads a stream, refusing more than {@code maxBytes}. */
    public static byte[] readStream(InputStream stream, long maxBytes) throws IOException {
        byte[] bytes = stream.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        return checkSize(bytes.length, maxBytes, "the stream", bytes);
    }

    private static byte[] readFile(Path file, long maxBytes) throws IOException {
        long size = Files.size(file);
        checkSize(size, maxBytes, "file " + file, null);
        return Files.readAllBytes(file);
    }

    private static byte[] checkSize(long size, long maxBytes, String what, byte[] bytes) throws IOException {
        if (size > maxBytes) {
            throw new IOException(what + " is larger than the upload limit of " + maxBytes
                    + " bytes (option maxUploadBytes)");
        }
        return bytes;
    }

    @Override
    public String toString() {
        return "MediaInput[" + description + "]";
    }
}
