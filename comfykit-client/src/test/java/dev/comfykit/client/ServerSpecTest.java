package dev.comfykit.client;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The text form of the servers option. */
class ServerSpecTest {

    @Test
    void readsNamesAttributesAndLabels() {
        List<ServerSpec> servers = ServerSpec.parseList(
                "gpu1=http://gpu1:8188;maxInFlight=2;weight=3;label.gpu=a100, http://gpu2:8188/comfy");

        assertThat(servers).containsExactly(
                new ServerSpec("gpu1", "http://gpu1:8188", 3, 2, Map.of("gpu", "a100"), null),
                new ServerSpec("gpu2:8188", "http://gpu2:8188/comfy", 1, 0, Map.of(), null));
    }

    @Test
    void blankTextIsNoPool() {
        assertThat(ServerSpec.parseList(" ")).isEmpty();
        assertThat(ServerSpec.parseList(null)).isEmpty();
    }

    @Test
    void namesWhatIsWrong() {
        assertThatThrownBy(() -> ServerSpec.parseList("http://a:1;cap=2"))
                .hasMessageContaining("unknown attribute 'cap'");
        assertThatThrownBy(() -> ServerSpec.parseList("ftp://a:1")).hasMessageContaining("ftp://a:1");
        assertThatThrownBy(() -> ServerSpec.parseList("http://a:1;weight=0")).hasMessageContaining("weight");
        assertThatThrownBy(() -> ServerSpec.parseList("http://a:1,http://a:1")).hasMessageContaining("twice");
        assertThatThrownBy(() -> ClientOption.SERVERS.validate("http://a:1;maxInFlight=x"))
                .hasMessageContaining("servers").hasMessageContaining("not a whole number");
    }

    @Test
    void theApiKeyIsNeverPrinted() {
        assertThat(ServerSpec.of("http://a:1").withApiKey("secret").toString()).doesNotContain("secret");
    }
}
