package dev.comfykit.client.internal.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A response body as an {@link InputStream} that asks the connection for several buffers ahead. The JDK's own
 * {@code BodyHandlers.ofInputStream()} keeps one buffer in flight, so every 16 KiB the reading thread waits for the
 * selector thread; with a few buffers queued the two overlap and a large download runs at disk and network speed.
 * Memory stays bounded: at most {@link #AHEAD} buffer lists wait (a few hundred KiB).
 */
public final class StreamingBodies {

    /** Buffer lists requested ahead of the reader. */
    static final int AHEAD = 32;

    private StreamingBodies() {
    }

    /** The handler: a body stream with read-ahead. */
    public static HttpResponse.BodyHandler<InputStream> ofInputStream() {
        return info -> new Subscriber();
    }

    private static final class Subscriber extends InputStream implements HttpResponse.BodySubscriber<InputStream> {

        private static final List<ByteBuffer> END = List.of();

        private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        private volatile Flow.Subscription subscription;
        private List<ByteBuffer> current = List.of();
        private int index;
        private boolean ended;
        private volatile boolean closed;

        @Override
        public CompletionStage<InputStream> getBody() {
            return CompletableFuture.completedFuture(this);
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            if (closed) {
                s.cancel();
                return;
            }
            subscription = s;
            s.request(AHEAD);
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            queue.add(item);
        }

        @Override
        public void onError(Throwable error) {
            queue.add(error);
        }

        @Override
        public void onComplete() {
            queue.add(END);
        }

        /** The next buffer with bytes left, or {@code null} at the end of the body. */
        private ByteBuffer buffer() throws IOException {
            return buffer(true);
        }

        /**
         * The next buffer with bytes left; {@code null} at the end of the body or, when not waiting, when none has
         * arrived yet.
         */
        private ByteBuffer buffer(boolean wait) throws IOException {
            while (true) {
                if (closed) {
                    throw new IOException("the body stream is closed");
                }
                while (index < current.size()) {
                    ByteBuffer b = current.get(index);
                    if (b.hasRemaining()) {
                        return b;
                    }
                    index++;
                }
                if (ended) {
                    return null;
                }
                Object next;
                if (!wait) {
                    next = queue.peek();
                    if (next == null || next instanceof Throwable || next == END) {
                        return null;
                    }
                }
                try {
                    next = queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while reading the body");
                }
                if (next instanceof Throwable error) {
                    ended = true;
                    throw error instanceof IOException io ? io : new IOException(error.getMessage(), error);
                }
                @SuppressWarnings("unchecked")
                List<ByteBuffer> list = (List<ByteBuffer>) next;
                if (list == END) {
                    ended = true;
                    current = List.of();
                    index = 0;
                    return null;
                }
                current = list;
                index = 0;
                // one list taken, one more asked for: the read-ahead stays AHEAD lists
                subscription.request(1);
            }
        }

        @Override
        public int read() throws IOException {
            ByteBuffer b = buffer();
            return b == null ? -1 : b.get() & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
            if (length == 0) {
                return 0;
            }
            ByteBuffer b = buffer();
            if (b == null) {
                return -1;
            }
            // fills the caller's buffer from what has already arrived, so that a copy loop writes in large chunks
            int n = 0;
            while (b != null && n < length) {
                int chunk = Math.min(length - n, b.remaining());
                b.get(bytes, offset + n, chunk);
                n += chunk;
                b = n < length ? buffer(false) : null;
            }
            return n;
        }

        @Override
        public int available() {
            int n = 0;
            for (int i = index; i < current.size(); i++) {
                n += current.get(i).remaining();
            }
            return n;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            queue.clear();
        }
    }
}
