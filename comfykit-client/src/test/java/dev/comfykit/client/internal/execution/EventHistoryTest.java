package dev.comfykit.client.internal.execution;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.client.internal.comfyui.ComfyUiEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The history entry assembled from a prompt's WebSocket events has the outputs and status of the entry ComfyUI
 * writes, and exists only when every event from {@code execution_start} to the final status was seen. The frames
 * are those captured from ComfyUI v0.3.65 (comfyui-protocol.md, sections 4.3, 4.4 and 6.2).
 */
class EventHistoryTest {

    private static final String ID = "345d1d27-531c-4200-bd22-889daf360e6d";

    private static EventHistory feed(EventHistory record, String... frames) {
        for (String frame : frames) {
            record = EventHistory.collect(record, ComfyUiEvent.parse(frame));
        }
        return record;
    }

    private static String start() {
        return "{\"type\": \"execution_start\", \"data\": {\"prompt_id\": \"" + ID + "\", \"timestamp\": 1795977754928}}";
    }

    private static String cached(String nodes) {
        return "{\"type\": \"execution_cached\", \"data\": {\"nodes\": [" + nodes + "], \"prompt_id\": \"" + ID
                + "\", \"timestamp\": 1795977754928}}";
    }

    private static String executed(String node, String file) {
        return "{\"type\": \"executed\", \"data\": {\"node\": \"" + node + "\", \"display_node\": \"" + node
                + "\", \"output\": {\"images\": [{\"filename\": \"" + file
                + "\", \"subfolder\": \"\", \"type\": \"output\"}]}, \"prompt_id\": \"" + ID + "\"}}";
    }

    private static String success() {
        return "{\"type\": \"execution_success\", \"data\": {\"prompt_id\": \"" + ID + "\", \"timestamp\": 1795977754941}}";
    }

    private static String executing(String node) {
        return "{\"type\": \"executing\", \"data\": {\"node\": \"" + node + "\", \"display_node\": \"" + node
                + "\", \"prompt_id\": \"" + ID + "\"}}";
    }

    @Test
    void aCompleteRunGivesTheOutputsAndTheSuccessStatusOfTheHistoryEntry() {
        EventHistory record = feed(null, start(), cached(""), executing("1"), executing("2"),
                executed("2", "cap_empty_00001_.png"), success());

        JsonNode entry = record.entry();

        assertThat(entry.at("/outputs/2/images/0/filename").asText()).isEqualTo("cap_empty_00001_.png");
        assertThat(entry.at("/status/status_str").asText()).isEqualTo("success");
        assertThat(entry.at("/status/completed").asBoolean()).isTrue();
        assertThat(entry.at("/status/messages")).extracting(m -> m.get(0).asText())
                .containsExactly("execution_start", "execution_cached", "execution_success");
    }

    @Test
    void aCachedOutputNodeKeepsItsOutputs() {
        EventHistory record = feed(null, start(), cached("\"1\", \"2\""), executed("2", "cap_empty_00001_.png"),
                success());

        assertThat(record.entry().at("/outputs/2/images/0/filename").asText()).isEqualTo("cap_empty_00001_.png");
    }

    @Test
    void aRuntimeErrorIsAnErrorStatusWithTheServersMessage() {
        EventHistory record = feed(null, start(), "{\"type\": \"execution_error\", \"data\": {\"prompt_id\": \"" + ID
                + "\", \"node_id\": \"41\", \"node_type\": \"LoadImage\", \"exception_type\": \"PIL.UnidentifiedImageError\","
                + " \"exception_message\": \"cannot identify image file\", \"traceback\": []}}");

        JsonNode status = record.entry().get("status");

        assertThat(status.get("status_str").asText()).isEqualTo("error");
        assertThat(status.get("completed").asBoolean()).isFalse();
        assertThat(status.at("/messages/1/1/node_type").asText()).isEqualTo("LoadImage");
    }

    @Test
    void anInterruptionEndsTheRecordAsAnError() {
        EventHistory record = feed(null, start(), "{\"type\": \"execution_interrupted\", \"data\": {\"prompt_id\": \""
                + ID + "\", \"node_id\": \"53\", \"node_type\": \"SaveImage\", \"executed\": [\"50\"]}}");

        assertThat(record.entry().at("/status/status_str").asText()).isEqualTo("error");
        assertThat(record.entry().at("/status/messages/1/0").asText()).isEqualTo("execution_interrupted");
    }

    @Test
    void withoutTheFinalStatusThereIsNoEntry() {
        assertThat(feed(null, start(), executed("2", "a.png")).entry()).isNull();
    }

    @Test
    void withoutTheStartNothingIsCollected() {
        assertThat(feed(null, executed("2", "a.png"), success())).isNull();
    }

    @Test
    void aRerunStartsOver() {
        EventHistory record = feed(null, start(), executed("2", "old.png"), start(), executed("3", "new.png"),
                success());

        assertThat(record.entry().get("outputs").fieldNames()).toIterable().containsExactly("3");
    }

    @Test
    void eventsAfterTheFinalStatusChangeNothing() {
        EventHistory record = feed(null, start(), executed("2", "a.png"), success(), executed("9", "late.png"));

        assertThat(record.entry().get("outputs").fieldNames()).toIterable().containsExactly("2");
    }

    @Test
    void aSocketLossDiscardsWhatWasCollectedSoTheHistoryIsReadInstead() {
        PendingPrompt prompt = new PendingPrompt(ID, 0, true);
        prompt.collect(ComfyUiEvent.parse(start()));
        prompt.forgetEvents();
        // what the new socket delivers after the reconnect: the outputs sent meanwhile are missing
        prompt.collect(ComfyUiEvent.parse(success()));

        assertThat(prompt.entryFromEvents()).isNull();
    }
}
