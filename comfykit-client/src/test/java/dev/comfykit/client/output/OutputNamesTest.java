package dev.comfykit.client.output;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class OutputNamesTest {

    @Test
    void theOnlyOutputTakesTheBaseNameAndTheServersExtension() {
        assertThat(OutputNames.forOutput("prompt-1", "ComfyKit_t2i_00001_.png", 0, 1)).isEqualTo("prompt-1.png");
    }

    @Test
    void severalOutputsAreNumberedFromOne() {
        assertThat(OutputNames.forOutput("prompt-1", "a.png", 0, 2)).isEqualTo("prompt-1-1.png");
        assertThat(OutputNames.forOutput("prompt-1", "b.webp", 1, 2)).isEqualTo("prompt-1-2.webp");
    }

    @Test
    void theBaseNameOfAnInputFileDropsItsDirectoryAndExtension() {
        assertThat(OutputNames.baseNameOf("inbox/prompt-1.txt")).isEqualTo("prompt-1");
        assertThat(OutputNames.baseNameOf("my.holiday.prompt.txt")).isEqualTo("my.holiday.prompt");
        assertThat(OutputNames.baseNameOf("noext")).isEqualTo("noext");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../etc/passwd", "/tmp/x", "..\\..\\evil", "..", "a/../../b", "\u0000x", ""})
    void anUntrustedBaseNameNeverBecomesAPath(String hostile) {
        String name = OutputNames.forOutput(hostile, "out.png", 0, 1);
        assertThat(name).doesNotContain("/", "\\", "\u0000").doesNotStartWith(".").endsWith(".png");
    }
}
