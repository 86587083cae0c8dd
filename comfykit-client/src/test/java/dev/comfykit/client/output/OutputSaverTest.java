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

    @ParameterizedTest
    @ValueSource(strings = {"../../x/evil.png", "/abs/olute.png", "C:\\Windows\\evil.png", "\\\\server\\share\\e.png",
            "a\u0000b.png", "name.png\u0000.txt", "x/../../../../tmp/evil.png", "./.hidden", "..\\..", "evil.png.",
            "evil.png   ", "CON", "con", "NUL.txt", "com1", "COM1.png", "lpt9.log", "aux.tar.gz", "PRN"})
    void theServersNamesAreSanitizedIntoASingleNameInsideTheDirectory(String reported) throws Exception {
        Path written = OutputSaver.save(new ByteArrayInputStream(new byte[]{1}), dir, reported);

        assertThat(written.getParent()).isEqualTo(dir.toAbsolutePath().normalize());
        String name = written.getFileName().toString();
        assertThat(name).doesNotStartWith(".").doesNotEndWith(".").doesNotEndWith(" ")
                .doesNotContain("/", "\\", "\u0000", ":");
        String stem = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
        assertThat(stem.toLowerCase()).isNotIn("con", "prn", "aux", "nul", "com1", "lpt9");
    }

    @Test
    void windowsDeviceNamesGetAPrefix() {
        assertThat(SafeFileNames.sanitize("CON")).isEqualTo("_CON");
        assertThat(SafeFileNames.sanitize("NUL.txt")).isEqualTo("_NUL.txt");
        assertThat(SafeFileNames.sanitize("com1")).isEqualTo("_com1");
        assertThat(SafeFileNames.sanitize("console.png")).isEqualTo("console.png");
        assertThat(SafeFileNames.sanitize("com10.png")).isEqualTo("com10.png");
    }

    @Test
    void veryLongNamesAreCutBelowTheFileSystemLimitKeepingTheExtension() throws Exception {
        String ascii = "a".repeat(300) + ".png";
        String wide = "\u732b".repeat(200) + ".png"; // 3 bytes each in UTF-8
        String emoji = "\ud83d\ude00".repeat(120) + ".webp"; // 4 bytes each, surrogate pairs

        for (String reported : new String[]{ascii, wide, emoji}) {
            String safe = SafeFileNames.sanitize(reported);
            assertThat(safe.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
            assertThat(safe).endsWith(reported.substring(reported.lastIndexOf('.')));
            assertThat(Character.isHighSurrogate(safe.charAt(safe.indexOf('.') - 1))).isFalse();
            Path written = OutputSaver.save(new ByteArrayInputStream(new byte[]{1}), dir, reported);
            assertThat(written.getParent()).isEqualTo(dir.toAbsolutePath().normalize());
        }
    }
}
