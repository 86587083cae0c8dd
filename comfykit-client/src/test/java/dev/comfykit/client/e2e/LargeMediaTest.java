package dev.comfykit.client.e2e;

import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.OutputFile;
import dev.comfykit.emulator.ComfyUiEmulator;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Big media: uploads and downloads stream in bounded heap, a dropped download resumes, the same input goes to a
 * server once, and the size limits on both sides fail with errors that say what to change.
 */
class LargeMediaTest {

    private static final String WORKFLOW = "classpath:workflows/file-copy.json";

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO)
            .maxUploadBytes(512L << 20));

    private static ComfyKit kit() {
        return ComfyKit.builder().environment(name -> null).comfyuiUrl(comfy.baseUrl())
                .maxUploadBytes(512L << 20).timeout(Duration.ofSeconds(60)).build();
    }

    private static Path randomFile(Path dir, String name, int bytes) throws IOException {
        Path file = dir.resolve(name);
        Random random = new Random(bytes);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int left = bytes; left > 0; left -= chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk, 0, Math.min(left, chunk.length));
            }
        }
        return file;
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[1 << 16];
        try (in) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    @Test
    void aFileLargerThanTheHeapIsUploadedAndItsLargerOutputDownloadedToAFile(@TempDir Path dir) throws Exception {
        Path input = randomFile(dir, "clip.mp4", 96 << 20);
        Path output = dir.resolve("copy.mp4");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx48m", "-cp", System.getProperty("java.class.path"),
                LargeMediaChild.class.getName(), comfy.baseUrl(), input.toString(), "2", output.toString())
                .redirectErrorStream(true).start();
        String log = new String(child.getInputStream().readAllBytes());
        assertThat(child.waitFor(3, TimeUnit.MINUTES)).isTrue();

        assertThat(child.exitValue()).as("child JVM with -Xmx48m:%n%s", log).isZero();
        assertThat(Files.size(output)).isEqualTo(2L * (96 << 20));
        try (InputStream copy = Files.newInputStream(output)) {
            String first = sha256(new java.io.SequenceInputStream(Files.newInputStream(input),
                    Files.newInputStream(input)));
            assertThat(sha256(copy)).isEqualTo(first);
        }
    }

    @Test
    void aDroppedDownloadResumesWhereItStopped(@TempDir Path dir) throws Exception {
        Path input = randomFile(dir, "drop.bin", 6 << 20);
        try (ComfyKit kit = kit()) {
            ExecuteResult result = kit.execute(WORKFLOW, Map.of("video", input)).join().orThrow();
            comfy.emulator().faults().dropViewAfter(1 << 20);
            long views = comfy.emulator().requestsReceived("GET", "/view");
            ByteArrayOutputStream out = new ByteArrayOutputStream();

            long written = kit.download(result.getFiles().get(0), out).join();

            assertThat(written).isEqualTo(6 << 20);
            assertThat(out.toByteArray()).isEqualTo(Files.readAllBytes(input));
            assertThat(comfy.emulator().requestsReceived("GET", "/view") - views).isEqualTo(2);
        }
    }

    @Test
    void theSameInputIsUploadedOnceToAServerUntilTheServerLosesIt(@TempDir Path dir) throws Exception {
        Path input = randomFile(dir, "same.bin", 3 << 20);
        byte[] bytes = Files.readAllBytes(input);
        long before = comfy.emulator().requestsReceived("POST", "/upload/image");
        try (ComfyKit kit = kit()) {
            kit.execute(WORKFLOW, Map.of("video", input)).join().orThrow();
            kit.execute(WORKFLOW, Map.of("video", input, "repeat", 2)).join().orThrow();
            assertThat(comfy.emulator().requestsReceived("POST", "/upload/image") - before).isEqualTo(1);

            // a stream has no name: it is named after its content, so the same content is uploaded once too
            kit.execute(WORKFLOW, Map.of("video", new ByteArrayInputStream(bytes))).join().orThrow();
            kit.execute(WORKFLOW, Map.of("video", new ByteArrayInputStream(bytes), "repeat", 3)).join().orThrow();
            assertThat(comfy.emulator().requestsReceived("POST", "/upload/image") - before).isEqualTo(2);

            try (var files = Files.list(comfy.emulator().inputDirectory())) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            ExecuteResult again = kit.execute(WORKFLOW, Map.of("video", input, "repeat", 4)).join().orThrow();
            assertThat(comfy.emulator().requestsReceived("POST", "/upload/image") - before).isEqualTo(3);
            assertThat(again.getFiles()).hasSize(1);
        }
    }

    @Test
    void anOutputOverMaxOutputBytesFailsNamingTheOption(@TempDir Path dir) throws Exception {
        Path input = randomFile(dir, "big.bin", 2 << 20);
        try (ComfyKit kit = ComfyKit.builder().environment(name -> null).comfyuiUrl(comfy.baseUrl())
                .maxOutputBytes(3 << 20).timeout(Duration.ofSeconds(60)).build()) {
            ExecuteResult result = kit.execute(WORKFLOW, Map.of("video", input, "repeat", 2)).join().orThrow();
            OutputFile output = result.getFiles().get(0);

            assertThatThrownBy(() -> kit.download(output, dir.resolve("out.bin")).join())
                    .hasMessageContaining("maxOutputBytes").hasMessageContaining("3145728");
            assertThat(dir.resolve("out.bin")).doesNotExist();
        }
    }

    @Test
    void anUploadOverTheServersLimitFailsWithTheServersOption(@TempDir Path dir) throws Exception {
        Path input = randomFile(dir, "huge.bin", 3 << 20);
        try (ComfyUiEmulator small = ComfyUiEmulator.builder().stepTime(Duration.ZERO).maxUploadBytes(1 << 20).start();
             ComfyKit kit = ComfyKit.builder().environment(name -> null).comfyuiUrl(small.baseUrl())
                     .timeout(Duration.ofSeconds(30)).build()) {
            assertThatThrownBy(() -> kit.execute(WORKFLOW, Map.of("video", input)).join().orThrow())
                    .hasMessageContaining("huge.bin").hasMessageContaining("413")
                    .hasMessageContaining("--max-upload-size");
        }
    }

    @Test
    void aStreamIsSpooledToATemporaryFileThatIsDeletedAfterTheUpload(@TempDir Path dir) throws Exception {
        byte[] bytes = Files.readAllBytes(randomFile(dir, "stream.bin", 1 << 20));
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        List<Path> before;
        try (var files = Files.list(tmp)) {
            before = files.filter(f -> f.getFileName().toString().startsWith("comfykit-upload-")).toList();
        }
        try (ComfyKit kit = kit()) {
            ExecuteResult result = kit.execute(WORKFLOW, Map.of("video", new ByteArrayInputStream(bytes)))
                    .join().orThrow();
            assertThat(kit.download(result.getFiles().get(0)).join()).isEqualTo(bytes);
        }
        try (var files = Files.list(tmp)) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith("comfykit-upload-")).toList())
                    .containsExactlyInAnyOrderElementsOf(before);
        }
    }
}
