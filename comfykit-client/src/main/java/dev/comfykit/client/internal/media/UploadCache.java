package dev.comfykit.client.internal.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * What one server already holds: the reference an upload got, by the SHA-256 of its content and the name it was
 * uploaded under, so that the same input is uploaded once per server (bounded, least recently used first out).
 * <p>
 * A remembered reference is used only after the server confirmed that the file is still there (a cheap
 * {@code HEAD /view}): a restarted server with a wiped input folder, or a deleted file, leads to a new upload and a
 * fresh entry. Hashes of local files are remembered by path, size and modification time, so a file used again is
 * not read twice to hash it.
 */
public final class UploadCache {

    /** Entries kept per server. */
    public static final int MAX_ENTRIES = 1024;

    private final Function<String, CompletableFuture<Boolean>> stillThere;
    private final Map<String, String> references = lru();
    private final Map<String, String> fileHashes = lru();

    /** @param stillThere asks the server whether it still holds a reference (never fails: {@code false} then) */
    public UploadCache(Function<String, CompletableFuture<Boolean>> stillThere) {
        this.stillThere = stillThere;
    }

    private static Map<String, String> lru() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > MAX_ENTRIES;
            }
        };
    }

    /** The SHA-256 of an upload's content, remembered for an unchanged local file. */
    public String hash(UploadContent content) throws IOException {
        String known = knownHash(content);
        if (known != null) {
            return known;
        }
        String hash = content.sha256();
        rememberHash(content, hash);
        return hash;
    }

    /**
     * The SHA-256 of a local file as remembered from an earlier upload or hashing (the file unchanged since), or
     * {@code null}: then the upload hashes it while sending ({@link UploadContent#hashWhileSending()}), since a file
     * this server has not seen under this client cannot be known to it anyway.
     */
    public String knownHash(UploadContent content) throws IOException {
        String key = fileKey(content);
        if (key == null) {
            return null;
        }
        synchronized (fileHashes) {
            return fileHashes.get(key);
        }
    }

    /** Remembers the SHA-256 of a local file's content (for as long as the file is unchanged). */
    public void rememberHash(UploadContent content, String hash) throws IOException {
        String key = fileKey(content);
        if (key != null) {
            synchronized (fileHashes) {
                fileHashes.put(key, hash);
            }
        }
    }

    private static String fileKey(UploadContent content) throws IOException {
        Path file = content.callerFile();
        return file == null ? null
                : file.toAbsolutePath() + "|" + content.size() + "|" + Files.getLastModifiedTime(file).toMillis();
    }

    /**
     * The reference of an earlier upload of this content under this name that the server still holds, or
     * {@code null} when it must be uploaded.
     */
    public CompletableFuture<String> known(String hash, String name) {
        String key = hash + "/" + name;
        String reference;
        synchronized (references) {
            reference = references.get(key);
        }
        if (reference == null) {
            return CompletableFuture.completedFuture(null);
        }
        return stillThere.apply(reference).exceptionally(error -> false).thenApply(there -> {
            if (there) {
                return reference;
            }
            synchronized (references) {
                references.remove(key, reference);
            }
            return null;
        });
    }

    /** Remembers an upload. */
    public void remember(String hash, String name, String reference) {
        synchronized (references) {
            references.put(hash + "/" + name, reference);
        }
    }

    /** Forgets everything (e.g. when the server may have lost its files). */
    public void clear() {
        synchronized (references) {
            references.clear();
        }
    }
}
