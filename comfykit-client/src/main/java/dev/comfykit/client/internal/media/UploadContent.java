package dev.comfykit.client.internal.media;

import dev.comfykit.client.MediaInput;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The content of one upload, re-readable for as long as the upload lasts: a local file (streamed from disk), bytes,
 * or a one-shot stream spooled once to a temporary file that {@link #close()} deletes. So the content can be hashed
 * and then sent (and sent again) without ever being held in heap.
 */
public final class UploadContent implements AutoCloseable {

    private static final int BUFFER = 256 * 1024;

    private final Path file;
    private final byte[] bytes;
    private final boolean temporary;
    private final long size;
    private volatile MessageDigest sending;

    private UploadContent(Path file, byte[] bytes, boolean temporary, long size) {
        this.file = file;
        this.bytes = bytes;
        this.temporary = temporary;
        this.size = size;
    }

    /** Content held in memory (small uploads, URL downloads). */
    public static UploadContent of(byte[] bytes) {
        return new UploadContent(null, bytes, false, bytes.length);
    }

    /**
     * The content of a media input: its file as is, its bytes, or its stream copied to a temporary file.
     *
     * @throws IOException when it cannot be read or is larger than {@code maxBytes} (option maxUploadBytes)
     */
    public static UploadContent of(MediaInput input, long maxBytes) throws IOException {
        if (input.file() != null) {
            long size = Files.size(input.file());
            tooLarge(size, maxBytes, "file " + input.file());
            return new UploadContent(input.file(), null, false, size);
        }
        if (input.isRepeatable()) {
            return of(input.read(maxBytes));
        }
        Path spool = Files.createTempFile("comfykit-upload-", ".part");
        try (InputStream in = input.openStream(); OutputStream out = Files.newOutputStream(spool)) {
            byte[] buffer = new byte[BUFFER];
            long total = 0;
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
                tooLarge(total, maxBytes, "the stream");
                out.write(buffer, 0, n);
            }
            return new UploadContent(spool, null, true, total);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(spool);
            throw e;
        }
    }

    private static void tooLarge(long size, long maxBytes, String what) throws IOException {
        if (size > maxBytes) {
            throw new IOException(what + " is larger than the upload limit of " + maxBytes
                    + " bytes (option maxUploadBytes)");
        }
    }

    /** The number of bytes. */
    public long size() {
        return size;
    }

    /** A publisher of the content for an HTTP request body; each call reads it afresh. */
    public HttpRequest.BodyPublisher publisher() throws IOException {
        HttpRequest.BodyPublisher plain = file == null ? HttpRequest.BodyPublishers.ofByteArray(bytes)
                : HttpRequest.BodyPublishers.ofFile(file);
        MessageDigest digest = sending;
        return digest == null ? plain : new DigestingPublisher(plain, digest);
    }

    /**
     * Has the next {@link #publisher()} compute the SHA-256 of the bytes as they are sent, so that a file seen for
     * the first time is read once (for the upload) instead of twice (to hash it, then to send it).
     */
    public void hashWhileSending() {
        sending = sha256Digest();
    }

    /** The SHA-256 of what the last publisher sent in full (after {@link #hashWhileSending()}), in hex. */
    public String sentHash() {
        MessageDigest digest = sending;
        if (digest == null) {
            throw new IllegalStateException("hashWhileSending() was not called");
        }
        synchronized (digest) {
            return HexFormat.of().formatHex(digest.digest());
        }
    }

    /** Feeds a digest with every buffer it passes on; a new subscription (a resent body) starts the digest over. */
    private static final class DigestingPublisher implements HttpRequest.BodyPublisher {

        private final HttpRequest.BodyPublisher delegate;
        private final MessageDigest digest;

        DigestingPublisher(HttpRequest.BodyPublisher delegate, MessageDigest digest) {
            this.delegate = delegate;
            this.digest = digest;
        }

        @Override
        public long contentLength() {
            return delegate.contentLength();
        }

        @Override
        public void subscribe(java.util.concurrent.Flow.Subscriber<? super java.nio.ByteBuffer> subscriber) {
            synchronized (digest) {
                digest.reset();
            }
            delegate.subscribe(new java.util.concurrent.Flow.Subscriber<java.nio.ByteBuffer>() {
                @Override
                public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
                    subscriber.onSubscribe(subscription);
                }

                @Override
                public void onNext(java.nio.ByteBuffer item) {
                    synchronized (digest) {
                        digest.update(item.duplicate());
                    }
                    subscriber.onNext(item);
                }

                @Override
                public void onError(Throwable error) {
                    subscriber.onError(error);
                }

                @Override
                public void onComplete() {
                    subscriber.onComplete();
                }
            });
        }
    }

    /** Opens the content. */
    public InputStream open() throws IOException {
        return file == null ? new java.io.ByteArrayInputStream(bytes) : Files.newInputStream(file);
    }

    /** The whole content in memory (for backends whose uploads are small by contract, such as RunningHub's). */
    public byte[] readAllBytes() throws IOException {
        if (bytes != null) {
            return bytes;
        }
        try (InputStream in = open()) {
            return in.readAllBytes();
        }
    }

    /** The first bytes (at most {@code count}), enough to recognise a format. */
    public byte[] head(int count) throws IOException {
        try (InputStream in = open()) {
            return in.readNBytes(count);
        }
    }

    /** The SHA-256 of the content in hex, read in chunks. */
    public String sha256() throws IOException {
        MessageDigest digest = sha256Digest();
        try (InputStream in = new DigestInputStream(open(), digest)) {
            byte[] buffer = new byte[BUFFER];
            while (in.read(buffer) >= 0) {
                // the digest reads along
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The local file this content reads when it is a caller's file (not a spooled stream), else {@code null}. */
    public Path callerFile() {
        return temporary ? null : file;
    }

    static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /** Deletes the spooled copy of a stream (a caller's file is left alone). */
    @Override
    public void close() {
        if (temporary) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                file.toFile().deleteOnExit();
            }
        }
    }

    @Override
    public String toString() {
        return "UploadContent[" + size + " bytes" + (file == null ? "" : temporary ? ", spooled" : ", " + file) + "]";
    }
}
