package dev.comfykit.client.internal.backend;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.client.CancelOutcome;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.SubmittedPrompt;
import dev.comfykit.client.WorkflowSource;
import dev.comfykit.client.dsl.WorkflowSchema;
import dev.comfykit.client.spi.Backend;
import dev.comfykit.client.spi.PromptRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoutingBackendTest {

    private final Recording comfyUi = new Recording("comfyui");
    private final Recording runningHub = new Recording("runninghub");
    private final RoutingBackend router = new RoutingBackend(comfyUi, runningHub);

    @Test
    void runningHubWorkflowsAndAppsGoToRunningHubAndGraphsToComfyUi() {
        router.execute(PromptRequest.ofRunningHub(WorkflowSource.detect("runninghub:123"), s -> Map.of(), 0,
                Duration.ofSeconds(1)));
        router.submit(PromptRequest.ofRunningHub(WorkflowSource.detect("runninghub:app:456"), s -> Map.of(), 0,
                Duration.ofSeconds(1)));
        router.execute(graphRequest());

        assertThat(runningHub.calls).containsExactly("execute RunningHub workflow 123", "submit RunningHub AI app 456");
        assertThat(comfyUi.calls).containsExactly("execute inline JSON");
    }

    @Test
    void allDigitIdsAreRunningHubTasksAndOtherIdsComfyUiPrompts() {
        router.await("1987654321098765432", Duration.ofSeconds(1));
        router.cancel("1987654321098765432");
        router.await("3f1c0a52-5d6e-4c39-9d1b-0c7f1e2d3a4b", Duration.ofSeconds(1));
        router.cancel("abc");

        assertThat(runningHub.calls).containsExactly("await 1987654321098765432", "cancel 1987654321098765432");
        assertThat(comfyUi.calls).containsExactly("await 3f1c0a52-5d6e-4c39-9d1b-0c7f1e2d3a4b", "cancel abc");
    }

    @Test
    void onlyRunningHubIsAskedForASchema() {
        router.describe(WorkflowSource.detect("runninghub:123"));

        assertThat(runningHub.calls).containsExactly("describe RunningHub workflow 123");
        assertThat(comfyUi.calls).isEmpty();
    }

    @Test
    void closeClosesBoth() {
        router.close();

        assertThat(comfyUi.calls).containsExactly("close");
        assertThat(runningHub.calls).containsExactly("close");
    }

    @Test
    void aRequestHasAGraphWithItsSchemaOrARunningHubSource() {
        ObjectNode graph = JsonNodeFactory.instance.objectNode();
        assertThatThrownBy(() -> new PromptRequest(null, "inline JSON", graph, null, s -> Map.of(), 0,
                Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PromptRequest(WorkflowSource.detect("classpath:a.json"), "a.json", null, null,
                s -> Map.of(), 0, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThat(graphRequest().isRunningHub()).isFalse();
    }

    private static PromptRequest graphRequest() {
        ObjectNode graph = JsonNodeFactory.instance.objectNode();
        graph.putObject("1").put("class_type", "EmptyImage");
        return PromptRequest.ofGraph(null, "inline JSON", graph, WorkflowSchema.empty("inline JSON"), s -> Map.of(),
                0, Duration.ofSeconds(1));
    }

    /** Records the calls it gets; answers none of them. */
    private static final class Recording implements Backend {
        final String name;
        final List<String> calls = new ArrayList<>();

        Recording(String name) {
            this.name = name;
        }

        @Override
        public CompletableFuture<ExecuteResult> execute(PromptRequest request) {
            calls.add("execute " + request.origin());
            return new CompletableFuture<>();
        }

        @Override
        public CompletableFuture<SubmittedPrompt> submit(PromptRequest request) {
            calls.add("submit " + request.origin());
            return new CompletableFuture<>();
        }

        @Override
        public CompletableFuture<ExecuteResult> await(String promptId, Duration timeout) {
            calls.add("await " + promptId);
            return new CompletableFuture<>();
        }

        @Override
        public CompletableFuture<CancelOutcome> cancel(String promptId) {
            calls.add("cancel " + promptId);
            return new CompletableFuture<>();
        }

        @Override
        public CompletableFuture<WorkflowSchema> describe(WorkflowSource source) {
            calls.add("describe " + source.describe());
            return new CompletableFuture<>();
        }

        @Override
        public void close() {
            calls.add("close");
        }
    }
}
