package dev.comfykit.client.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecutionError;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The event model as data: type names, filters, and JSON for a browser. */
class ComfyEventTest {

    private static final Instant NOW = Instant.parse("2026-12-04T09:00:00Z");

    @Test
    void typesParseByTheirNameInAnyCaseAndABadNameListsTheValidOnes() {
        assertThat(EventType.parse("Progress")).isEqualTo(EventType.PROGRESS);
        assertThat(EventType.parse("node_started")).isEqualTo(EventType.NODE_STARTED);
        assertThat(EventType.parse(" executed ")).isEqualTo(EventType.NODE_FINISHED);
        assertThatThrownBy(() -> EventType.parse("progres")).hasMessageContaining("'progres'")
                .hasMessageContaining("progress, executing, executed, preview, queue");
    }

    @Test
    void aFilterMatchesTypePromptAndServerAndAlwaysLetsTheMissedMarkerThrough() {
        EventFilter filter = EventFilter.all().withTypes(EventType.PROGRESS).withPromptIds("p1").withServers("a");
        assertThat(filter.test(new ComfyEvent.Progress("a", "p1", "3", 1, 20, NOW))).isTrue();
        assertThat(filter.test(new ComfyEvent.Progress("a", "p2", "3", 1, 20, NOW))).isFalse();
        assertThat(filter.test(new ComfyEvent.Progress("b", "p1", "3", 1, 20, NOW))).isFalse();
        assertThat(filter.test(new ComfyEvent.ExecutionStarted("a", "p1", NOW))).isFalse();
        assertThat(filter.test(new ComfyEvent.QueueStatus("a", 2, NOW))).isFalse();
        assertThat(filter.test(new ComfyEvent.EventsMissed("a", "down", NOW))).isTrue();
        assertThat(filter.test(new ComfyEvent.EventsMissed("b", "down", NOW))).isFalse();
        assertThat(EventFilter.all().test(new ComfyEvent.QueueStatus("b", 0, NOW))).isTrue();
        assertThatThrownBy(() -> EventFilter.all().withPromptIds(" ")).hasMessageContaining("prompt id");
    }

    @Test
    void eventsSerialiseWithTheirTypeName() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        JsonNode progress = mapper.valueToTree(new ComfyEvent.Progress("gpu1", "p1", "3", 5, 20, NOW));
        assertThat(progress.path("type").asText()).isEqualTo("progress");
        assertThat(progress.path("value").asDouble()).isEqualTo(5.0);
        assertThat(progress.path("promptId").asText()).isEqualTo("p1");
        assertThat(progress.path("receivedAt").asLong()).isEqualTo(NOW.toEpochMilli());
        JsonNode preview = mapper.valueToTree(new ComfyEvent.Preview("gpu1", "p1", "3", new byte[] {1, 2},
                "image/png", NOW));
        assertThat(preview.path("type").asText()).isEqualTo("preview");
        assertThat(preview.path("image").asText()).isEqualTo("AQI=");
        JsonNode failed = mapper.valueToTree(new ComfyEvent.ExecutionFailed("gpu1", "p1",
                ExecutionError.of(ErrorKind.EXECUTION, "Node 8 failed"), false, NOW));
        assertThat(failed.path("error").path("kind").asText()).isEqualTo("EXECUTION");
        assertThat(new ComfyEvent.ExecutionCached("gpu1", "p1", List.of("1"), NOW).nodes()).containsExactly("1");
    }
}
