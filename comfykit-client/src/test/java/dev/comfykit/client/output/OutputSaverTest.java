package dev.comfykit.client.output;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class OutputSaverTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"../../etc/passwd", "/etc/passwd", "..\\..\\windows\\system32\\x.dll", "..",
            "a/../../b.png", "\u0000evil.png", "con:stream.png", "....png", "", "   ", "sub/dir/name.png"})
    void hostileNamesNeverLeaveTheTargetDirectory(String reported) throws Exception {
        Path written = OutputSaver.save(new ByteArrayInputStream(new byte[]{1}), dir, reported);
        assertThat(written.getParent()).isEqualTo(dir.toAbsolutePath().normalize());
        assertThat(Files.readAllBytes(written)).containsExactly(1);
        assertThat(written.getFileName().toString()).doesNotStartWith(".").doesNotContain("/", "\\", "\u0000");
    }

    @Test
    void existingFilesAreNotReplaced() throws Exception {
        Path first = OutputSaver.save(new ByteArrayInputStream(new byte[]{1}), dir, "cat.png");
        Path second = OutputSaver.save(new ByteArrayInputStream(new byte[]{2}), dir, "cat.png");
        assertThat(first.getFileName()).hasToString("cat.png");
        assertThat(second.getFileName()).hasToString("cat (1).png");
        assertThat(Files.readAllBytes(first)).containsExactly(1);
    }

    @Test
    void sanitizeKeepsOrdinaryNames() {
        assertThat(SafeFileNames.sanitize("ComfyUI_00001_.png")).isEqualTo("ComfyUI_00001_.png");
        assertThat(SafeFileNames.sanitize("cap in (1).png")).isEqualTo("cap in (1).png");
        assertThat(SafeFileNames.sanitize("a".repeat(300) + ".png")).hasSize(150).endsWith(".png");
    }
}
