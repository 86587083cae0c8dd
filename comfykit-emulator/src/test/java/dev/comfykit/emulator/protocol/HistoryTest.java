package dev.comfykit.emulator.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import dev.comfykit.emulator.support.Client;
import dev.comfykit.emulator.support.Workflows;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GET/POST /history (protocol §8). */
class HistoryTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    private Client client;
    private final List<String> ids = new ArrayList<>();

    @BeforeEach
    void threeFinishedPrompts() {
        client = new Client(comfy.baseUrl());
        client.post("/history", "{\"clear\": true}");
        for (int i = 0; i < 3; i++) {
            String id = client.submit(Workflows.emptyToSave(700 + i, "hist"), null);
            client.awaitHistory(id);
            ids.add(id);
        }
    }

    @Test
    void listsEntriesInCompletionOrder() {
        assertThat(client.get("/history").json().fieldNames()).toIterable().containsExactlyElementsOf(ids);
    }

    @Test
    void maxItemsGivesTheLastEntries() {
        assertThat(client.get("/history?max_items=2").json().fieldNames()).toIterable().containsExactly(ids.get(1), ids.get(2));
    }

    @Test
    void maxItemsWithOffsetCountsFromTheOldest() {
        assertThat(client.get("/history?max_items=1&offset=0").json().fieldNames()).toIterable().containsExactly(ids.get(0));
        assertThat(client.get("/history?max_items=1&offset=1").json().fieldNames()).toIterable().containsExactly(ids.get(1));
    }

    @Test
    void nonIntegerQueryValuesGive500() {
        assertThat(client.get("/history?max_items=abc").status()).isEqualTo(500);
        assertThat(client.get("/history?offset=x").status()).isEqualTo(500);
    }

    @Test
    void unknownIdGivesEmptyObject() {
        Client.Response r = client.get("/history/does-not-exist");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("{}");
    }

    @Test
    void deleteRemovesOneEntryWithAnEmptyAnswer() {
        Client.Response r = client.post("/history", "{\"delete\": [\"" + ids.get(0) + "\"]}");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo("application/octet-stream");
        assertThat(r.body()).isEmpty();
        assertThat(client.get("/history/" + ids.get(0)).text()).isEqualTo("{}");
        assertThat(client.get("/history").json().fieldNames()).toIterable().containsExactly(ids.get(1), ids.get(2));
    }

    @Test
    void clearEmptiesTheHistory() {
        assertThat(client.post("/history", "{\"clear\": true}").status()).isEqualTo(200);

        assertThat(client.get("/history").text()).isEqualTo("{}");
    }

    @Test
    void queuedAndRunningPromptsAreNotInHistory() {
        comfy.faults().stallExecution();
        String id = client.submit(Workflows.emptyToSave(799, "hist"), null);

        assertThat(client.get("/history/" + id).text()).isEqualTo("{}");
        comfy.faults().releaseStall();
        client.awaitHistory(id);
    }

    @Test
    void apiAliasServesTheSameHistory() {
        assertThat(client.get("/api/history/" + ids.get(2)).json()).isEqualTo(client.get("/history/" + ids.get(2)).json());
    }
}
