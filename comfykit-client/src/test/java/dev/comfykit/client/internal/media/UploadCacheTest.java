package dev.comfykit.client.internal.media;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** What one server holds: remembered by content hash and name, trusted only while the server confirms it, bounded. */
class UploadCacheTest {

    private final Set<String> onServer = new HashSet<>();
    private final UploadCache cache = new UploadCache(reference -> CompletableFuture.completedFuture(
            onServer.contains(reference)));

    @Test
    void aRememberedUploadIsReusedWhileTheServerStillHasIt() {
        cache.remember("abc", "clip.mp4", "clip.mp4");
        onServer.add("clip.mp4");
        assertThat(cache.known("abc", "clip.mp4").join()).isEqualTo("clip.mp4");

        onServer.clear();
        assertThat(cache.known("abc", "clip.mp4").join()).isNull();
        onServer.add("clip.mp4");
        assertThat(cache.known("abc", "clip.mp4").join()).as("forgotten once the server lost it").isNull();
    }

    @Test
    void theSameContentUnderAnotherNameIsAnotherUpload() {
        cache.remember("abc", "clip.mp4", "clip.mp4");
        onServer.add("clip.mp4");
        assertThat(cache.known("abc", "other.mp4").join()).isNull();
    }

    @Test
    void aServerThatCannotBeAskedMeansUploadAgain() {
        UploadCache failing = new UploadCache(reference -> CompletableFuture.failedFuture(new RuntimeException("x")));
        failing.remember("abc", "clip.mp4", "clip.mp4");
        assertThat(failing.known("abc", "clip.mp4").join()).isNull();
    }

    @Test
    void theOldestEntriesGoFirstBeyondTheBound() {
        for (int i = 0; i <= UploadCache.MAX_ENTRIES; i++) {
            cache.remember("hash" + i, "f.png", "f" + i + ".png");
            onServer.add("f" + i + ".png");
        }
        assertThat(cache.known("hash0", "f.png").join()).isNull();
        assertThat(cache.known("hash1", "f.png").join()).isEqualTo("f1.png");
        assertThat(cache.known("hash" + UploadCache.MAX_ENTRIES, "f.png").join())
                .isEqualTo("f" + UploadCache.MAX_ENTRIES + ".png");
    }
}
