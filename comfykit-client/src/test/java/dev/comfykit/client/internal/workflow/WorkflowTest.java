package dev.comfykit.client.internal.workflow;

import dev.comfykit.client.InvalidWorkflowException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkflowTest {

    @Test
    void invalidJsonIsReportedWithLineAndColumn() {
        assertThatThrownBy(() -> Workflow.parse("{\n  \"1\": {\"class_type\": \"X\",,}\n}", "wf.json"))
                .isInstanceOf(InvalidWorkflowException.class)
                .hasMessageContaining("wf.json is not valid JSON")
                .hasMessageContaining("line 2, column");
    }

    @Test
    void uiFormatTellsTheUserToExportTheApiFormat() {
        assertThatThrownBy(() -> Workflow.parse("""
                {"last_node_id": 9, "last_link_id": 9, "nodes": [{"id": 3, "type": "KSampler"}], "links": [], "version": 0.4}
                """, "ui.json"))
                .isInstanceOf(InvalidWorkflowException.class)
                .hasMessageContaining("UI (editor) format")
                .hasMessageContaining("Export (API)")
                .hasMessageContaining("Save (API Format)");
    }

    @Test
    void aPromptRequestBodyIsRecognised() {
        assertThatThrownBy(() -> Workflow.parse("""
                {"prompt": {"1": {"class_type": "X", "inputs": {}}}, "client_id": "a"}
                """, "body.json"))
                .isInstanceOf(InvalidWorkflowException.class).hasMessageContaining("POST /prompt request body");
    }

    @Test
    void everyNodeNeedsAClassType() {
        assertThatThrownBy(() -> Workflow.parse("{\"1\": {\"inputs\": {}}}", "x.json"))
                .isInstanceOf(InvalidWorkflowException.class).hasMessageContaining("node '1' has no class_type");
        assertThatThrownBy(() -> Workflow.parse("{\"1\": 5}", "x.json"))
                .isInstanceOf(InvalidWorkflowException.class).hasMessageContaining("node '1' must be an object");
    }

    @Test
    void arraysEmptyObjectsAndEmptyTextAreRejected() {
        assertThatThrownBy(() -> Workflow.parse("[1,2]", "a.json")).hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> Workflow.parse("{}", "a.json")).hasMessageContaining("has no nodes");
        assertThatThrownBy(() -> Workflow.parse("  ", "a.json")).hasMessageContaining("is empty");
    }

    @Test
    void mapsAreAcceptedAndCopied() {
        Map<String, Object> node = new java.util.HashMap<>(Map.of("class_type", "SaveImage", "inputs",
                Map.of("filename_prefix", "x")));
        Workflow workflow = Workflow.of(Map.of("9", node), "inline");
        node.put("class_type", "Changed");
        assertThat(workflow.classType("9")).isEqualTo("SaveImage");
        assertThat(workflow.copyGraph().at("/9/inputs/filename_prefix").asText()).isEqualTo("x");
    }
}
