package dev.comfykit.client.internal.media;

import dev.comfykit.client.media.RestrictedUrl;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.comfykit.client.InvalidParameterException;
import dev.comfykit.client.MediaInput;
import dev.comfykit.client.ServerFile;
import dev.comfykit.client.internal.dsl.BoundWorkflow;
import dev.comfykit.client.internal.execution.Failures;
import dev.comfykit.client.internal.http.UrlFetcher;
import dev.comfykit.client.internal.http.UrlRedactor;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Uploads the values of media params and puts the names the server chose into the workflow.
 * <p>
 * A value is uploaded when it is a {@link MediaInput}, {@link Path}, {@link File}, {@code byte[]},
 * {@link InputStream}, {@link URL}/{@link URI}, a {@link RestrictedUrl} that a media policy allowed, or (trusted)
 * text naming an http(s) URL or an existing local file; other text and a {@link ServerFile} name an already uploaded
 * file and are used as is. URLs are downloaded with a plain request (never with
 * the server's credentials) and, like streams, never beyond the size limit.
 */
public final class MediaUploader {

    /**
     * Where uploaded files go: ComfyUI's {@code /upload/image} or RunningHub's upload.
     */
    @FunctionalInterface
    public interface Target {
        /**
         * Stores a file and returns the reference to put in the workflow.
         */
        CompletableFuture<String> upload(String filename, String contentType, byte[] content);
    }

    /**
     * Where uploaded files go when the target streams: the content is read from disk while it is sent.
     */
    @FunctionalInterface
    public interface StreamTarget {
        /**
         * Stores a file and returns the reference to put in the workflow; the content stays readable until the
         * returned future completes.
         */
        CompletableFuture<String> upload(String filename, String contentType, UploadContent content);
    }

    private final StreamTarget target;
    private final UploadCache cache;
    private final UrlFetcher fetcher;
    private final Executor io;
    private final long maxBytes;

    /** An uploader for a target that takes the content in memory (its uploads are small by contract). */
    public MediaUploader(Target target, UrlFetcher fetcher, Executor io, long maxBytes) {
        this((name, type, content) -> {
            try {
                return target.upload(name, type, content.readAllBytes());
            } catch (IOException e) {
                return CompletableFuture.failedFuture(e);
            }
        }, null, fetcher, io, maxBytes);
    }

    /**
     * An uploader that streams files to its target and, with a cache, uploads the same content under the same name
     * once per server.
     *
     * @param cache what the server already holds, or {@code null} to upload every time
     */
    public MediaUploader(StreamTarget target, UploadCache cache, UrlFetcher fetcher, Executor io, long maxBytes) {
        this.target = target;
        this.cache = cache;
        this.fetcher = fetcher;
        this.io = io;
        this.maxBytes = maxBytes;
    }

    /** Whether a media param value must be uploaded (otherwise it names an uploaded file). */
    public static boolean needsUpload(Object value) {
        if (value instanceof ServerFile) {
            return false;
        }
        if (value instanceof CharSequence) {
            String text = value.toString().trim();
            return UrlFetcher.isHttpUrl(text) || isLocalFile(text);
        }
        return value instanceof MediaInput || value instanceof Path || value instanceof File
                || value instanceof byte[] || value instanceof InputStream || value instanceof URL
                || value instanceof URI || value instanceof RestrictedUrl;
    }

    private static boolean isLocalFile(String text) {
        try {
            return !text.isEmpty() && Files.isRegularFile(Path.of(text));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    /** Uploads every pending media value of a bound workflow and sets the returned names. */
    public CompletableFuture<BoundWorkflow> uploadAll(BoundWorkflow bound) {
        List<CompletableFuture<Void>> uploads = new ArrayList<>();
        for (BoundWorkflow.PendingUpload pending : bound.uploads()) {
            uploads.add(upload(pending.param().getName(), pending.value())
                    .thenAccept(reference -> bound.set(pending.param(),
                            JsonNodeFactory.instance.textNode(reference))));
        }
        return CompletableFuture.allOf(uploads.toArray(new CompletableFuture[0])).thenApply(v -> bound);
    }

    /** Uploads one value and returns the reference the server gave it. */
    public CompletableFuture<String> upload(String param, Object value) {
        return resolve(param, value).thenCompose(input -> CompletableFuture
                .supplyAsync(() -> prepare(param, input), io)
                .thenCompose(prepared -> send(prepared)
                        .whenComplete((reference, error) -> prepared.content().close())));
    }

    private record Prepared(String name, String hash, UploadContent content) {
    }

    private CompletableFuture<String> send(Prepared prepared) {
        String type = ContentTypes.ofName(prepared.name());
        if (cache == null) {
            return target.upload(prepared.name(), type, prepared.content());
        }
        if (prepared.hash() == null) {
            // a local file not hashed before: hash it while it is sent, and remember both for the next time
            UploadContent content = prepared.content();
            content.hashWhileSending();
            return target.upload(prepared.name(), type, content).thenApply(reference -> {
                String hash = content.sentHash();
                try {
                    cache.rememberHash(content, hash);
                } catch (IOException e) {
                    // the file changed or vanished meanwhile: only its hash is not remembered
                }
                cache.remember(hash, prepared.name(), reference);
                return reference;
            });
        }
        return cache.known(prepared.hash(), prepared.name()).thenCompose(known -> known != null
                ? CompletableFuture.completedFuture(known)
                : target.upload(prepared.name(), type, prepared.content()).thenApply(reference -> {
                    cache.remember(prepared.hash(), prepared.name(), reference);
                    return reference;
                }));
    }

    private Prepared prepare(String param, MediaInput input) {
        UploadContent content = null;
        try {
            content = UploadContent.of(input, maxBytes);
            String given = safeBaseName(input.filename());
            boolean named = !given.isEmpty() && given.indexOf('.') > 0;
            // the hash names anonymous content (so identical content keeps one name) and keys the upload cache; a
            // named local file seen for the first time is hashed while it is sent instead (see send)
            String hash;
            if (!named) {
                hash = cache != null ? cache.hash(content) : content.sha256();
            } else if (cache != null) {
                hash = content.callerFile() != null ? cache.knownHash(content) : cache.hash(content);
            } else {
                hash = null;
            }
            String name = named ? given
                    : (given.isEmpty() ? "comfykit-" + hash.substring(0, 16) : given) + "."
                    + ContentTypes.sniffExtension(content.head(64));
            return new Prepared(name, hash, content);
        } catch (NoSuchFileException e) {
            close(content);
            throw new CompletionException(new InvalidParameterException(param, "Media param '" + param
                    + "': file " + e.getFile() + " does not exist.", e));
        } catch (IOException e) {
            close(content);
            throw new CompletionException(new InvalidParameterException(param, "Media param '" + param
                    + "': " + input + " cannot be read: " + e.getMessage(), e));
        } catch (UncheckedIOException e) {
            close(content);
            throw new CompletionException(new InvalidParameterException(param, "Media param '" + param
                    + "': " + e.getMessage(), e));
        }
    }

    private static void close(UploadContent content) {
        if (content != null) {
            content.close();
        }
    }

    private CompletableFuture<MediaInput> resolve(String param, Object value) {
        if (value instanceof MediaInput) {
            return CompletableFuture.completedFuture((MediaInput) value);
        }
        if (value instanceof Path) {
            return local(param, (Path) value);
        }
        if (value instanceof File) {
            return local(param, ((File) value).toPath());
        }
        if (value instanceof byte[]) {
            return CompletableFuture.completedFuture(MediaInput.of((byte[]) value, ""));
        }
        if (value instanceof InputStream) {
            return CompletableFuture.completedFuture(MediaInput.of((InputStream) value, ""));
        }
        if (value instanceof URL) {
            try {
                return download(param, ((URL) value).toURI());
            } catch (URISyntaxException e) {
                return CompletableFuture.failedFuture(new InvalidParameterException(param, "Media param '" + param
                        + "' has a malformed URL " + UrlRedactor.redact(value) + "."));
            }
        }
        if (value instanceof URI) {
            return download(param, (URI) value);
        }
        if (value instanceof RestrictedUrl restricted) {
            return download(param, restricted);
        }
        String text = value.toString().trim();
        if (UrlFetcher.isHttpUrl(text)) {
            try {
                return download(param, new URI(text));
            } catch (URISyntaxException e) {
                return CompletableFuture.failedFuture(new InvalidParameterException(param, "Media param '" + param
                        + "' has a malformed URL " + UrlRedactor.redact(text) + "."));
            }
        }
        return local(param, Path.of(text));
    }

    private static CompletableFuture<MediaInput> local(String param, Path file) {
        if (!Files.isRegularFile(file)) {
            return CompletableFuture.failedFuture(new InvalidParameterException(param, "Media param '" + param
                    + "': file " + file.toAbsolutePath() + " does not exist or is not a regular file."));
        }
        return CompletableFuture.completedFuture(MediaInput.of(file));
    }

    private CompletableFuture<MediaInput> download(String param, RestrictedUrl restricted) {
        String refusal = restricted.rule().apply(restricted.uri());
        if (refusal != null) {
            return CompletableFuture.failedFuture(new InvalidParameterException(param, "Media param '" + param
                    + "': the URL " + refusal + "."));
        }
        // the rule goes along so that every redirect hop is checked against it too
        return named(param, restricted.uri(), fetcher.fetch(restricted.uri(), maxBytes, restricted.rule()));
    }

    private CompletableFuture<MediaInput> download(String param, URI uri) {
        return named(param, uri, fetcher.fetch(uri, maxBytes));
    }

    private static CompletableFuture<MediaInput> named(String param, URI uri,
                                                       CompletableFuture<UrlFetcher.Fetched> fetch) {
        return fetch.handle((fetched, error) -> {
            if (error != null) {
                throw new CompletionException(new InvalidParameterException(param, "Media param '" + param
                        + "': downloading " + UrlRedactor.redact(uri) + " failed (" + Failures.message(error) + ").",
                        error));
            }
            String name = fetched.fileName();
            String extension = ContentTypes.extensionOfType(fetched.contentType());
            if (name.indexOf('.') < 0 && extension != null) {
                name = name.isEmpty() ? "" : name + "." + extension;
            }
            return MediaInput.of(fetched.body(), name);
        });
    }

    /** The given name reduced to a safe base name (no folders, no leading dots, no odd characters). */
    private static String safeBaseName(String given) {
        String base = given == null ? "" : given.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._ ()\\-]", "_").trim();
        while (base.startsWith(".")) {
            base = base.substring(1);
        }
        return base;
    }
}
