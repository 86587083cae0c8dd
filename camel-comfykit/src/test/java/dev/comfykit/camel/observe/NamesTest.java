package dev.comfykit.camel.observe;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Workflow tag values are short names that never carry a URL's query (where tokens live). */
class NamesTest {

    @Test
    void aWorkflowsTagIsItsShortName() {
        assertThat(Names.workflow("classpath:workflows/t2i.json")).isEqualTo("t2i");
        assertThat(Names.workflow("/srv/flows/Upscale 4x.JSON")).isEqualTo("Upscale 4x");
        assertThat(Names.workflow("C:\\flows\\video.json")).isEqualTo("video");
        assertThat(Names.workflow("https://flows.example.com/v1/t2i.json?token=s3cr3t#x")).isEqualTo("t2i");
        assertThat(Names.workflow("https://flows.example.com/t2i/")).isEqualTo("t2i");
        assertThat(Names.workflow("1987654321098765432")).isEqualTo("1987654321098765432");
        assertThat(Names.workflow("runninghub:app:1937012345678901234")).isEqualTo("runninghub:app:1937012345678901234");
        assertThat(Names.workflow("https://flows.example.com/?token=s3cr3t")).doesNotContain("s3cr3t");
        assertThat(Names.workflow(null)).isNull();
        assertThat(Names.workflow(" ")).isNull();
    }
}
