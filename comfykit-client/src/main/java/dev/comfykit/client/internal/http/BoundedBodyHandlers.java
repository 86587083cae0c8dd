package dev.comfykit.client.internal.http;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Response body handlers that refuse bodies larger than a limit, so that a hostile or mistaken URL cannot fill the
 * heap: the {@code Content-Length} is checked first, then the bytes actually received.
 */
public final class BoundedBodyHandlers {

    private BoundedBodyHandlers() {
    }

    /**
     * Thrown (as the cause of the failed body) when a response exceeds its limit.
     */
    public static final class BodyTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;
        private final long limit;

        public BodyTooLargeException(String what, long limit) {
            super(what + " is larger than the limit of " + limit + " bytes");
            this.limit = limit;
        }

        public long limit() {
            return limit;
        }
    }

    /** Collects the body into a byte array of at most {@code maxBytes}. */
    public static HttpResponse.BodyHandler<byte[]> ofBytes(long maxBytes) {
        return info -> {
            OptionalLong length = info.headers().firstValueAsLong("Content-Length");
            if (length.isPresent() && length.getAsLong() > maxBytes) {
                return failing(new BodyTooLargeException(
                        "Response body (Content-Length " + length.getAsLong() + ")", maxBytes));
            }
            return new LimitedSubscriber(maxBytes);
        };
    }

    private static HttpResponse.BodySubscriber<byte[]> failing(IOException error) {
        return new HttpResponse.BodySubscriber<>() {
            private final CompletableFuture<byte[]> body = CompletableFuture.failedFuture(error);

            @Override
            public CompletionStage<byte[]> getBody() {
                return body;
            }

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.cancel();
            }

            @Override
            public void onNext(List<ByteBuffer> item) {
            }

            @Override
            public void onError(Throwable throwable) {
            }

            @Override
            public void onComplete() {
            }
        };
    }

    private static final class LimitedSubscriber implements HttpResponse.BodySubscriber<byte[]> {
        private final long maxBytes;
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        // the received buffers are kept and joined once at the end, as the JDK's own byte-array subscriber does
        private final List<ByteBuffer> chunks = new ArrayList<>();
        private Flow.Subscription subscription;
        private long received;

        LimitedSubscriber(long maxBytes) {
            this.maxBytes = maxBytes;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            this.subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (body.isDone()) {
                return;
            }
            for (ByteBuffer item : items) {
                received += item.remaining();
                if (received > maxBytes) {
                    subscription.cancel();
                    body.completeExceptionally(new BodyTooLargeException("Response body", maxBytes));
                    return;
                }
                chunks.add(item);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            body.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            byte[] bytes = new byte[(int) received];
            int at = 0;
            for (ByteBuffer chunk : chunks) {
                int length = chunk.remaining();
                chunk.get(bytes, at, length);
                at += length;
            }
            body.complete(bytes);
        }
    }
}
