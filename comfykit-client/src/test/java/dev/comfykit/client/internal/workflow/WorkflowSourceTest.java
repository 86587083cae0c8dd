package dev.comfykit.client.internal.workflow;

import dev.comfykit.client.WorkflowSource;

import dev.comfykit.client.InvalidWorkflowException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkflowSourceTest {

    @Test
    void detectsEachForm() {
        assertThat(WorkflowSource.detect("classpath:/workflows/t2i.json"))
                .satisfies(s -> assertThat(s.kind()).isEqualTo(WorkflowSource.Kind.CLASSPATH))
                .satisfies(s -> assertThat(s.location()).isEqualTo("workflows/t2i.json"));
        assertThat(WorkflowSource.detect("https://example.org/wf.json").kind()).isEqualTo(WorkflowSource.Kind.URL);
        assertThat(WorkflowSource.detect("HTTP://example.org/wf.json").kind()).isEqualTo(WorkflowSource.Kind.URL);
        assertThat(WorkflowSource.detect("1987654321098765432").kind())
                .isEqualTo(WorkflowSource.Kind.RUNNINGHUB_WORKFLOW);
        assertThat(WorkflowSource.detect("runninghub:1987654321").location()).isEqualTo("1987654321");
        assertThat(WorkflowSource.detect("runninghub:app:1877265245566922800"))
                .satisfies(s -> assertThat(s.kind()).isEqualTo(WorkflowSource.Kind.RUNNINGHUB_APP));
        assertThat(WorkflowSource.detect("file:///tmp/x.json").location()).isEqualTo("/tmp/x.json");
        assertThat(WorkflowSource.detect("missing/wf.json").kind()).isEqualTo(WorkflowSource.Kind.FILE);
    }

    @Test
    void anExistingFileWinsOverDigits(@TempDir Path dir) throws Exception {
        Path numbered = Files.writeString(dir.resolve("2024"), "{}");
        assertThat(WorkflowSource.detect(numbered.toString()).kind()).isEqualTo(WorkflowSource.Kind.FILE);
    }

    @Test
    void nonAsciiDigitsAreNotAWorkflowId() {
        assertThat(WorkflowSource.detect("١٢٣").kind()).isEqualTo(WorkflowSource.Kind.FILE);
    }

    @Test
    void malformedRunningHubFormsAndEmptyTextAreRejected() {
        assertThatThrownBy(() -> WorkflowSource.detect("runninghub:abc"))
                .isInstanceOf(InvalidWorkflowException.class).hasMessageContaining("runninghub:<workflowId>");
        assertThatThrownBy(() -> WorkflowSource.detect("runninghub:app:"))
                .isInstanceOf(InvalidWorkflowException.class).hasMessageContaining("runninghub:app:<webappId>");
        assertThatThrownBy(() -> WorkflowSource.detect(" ")).isInstanceOf(InvalidWorkflowException.class);
    }
}
