package dev.comfykit.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ComfyKitConfigTest {

    private static ComfyKitBuilder with(Map<String, String> env) {
        return ComfyKit.builder().environment(env::get);
    }

    @Test
    void defaultsApplyWithoutEnvironment() {
        ComfyKitConfig config = with(Map.of()).resolve();
        assertThat(config.getComfyuiUrl()).hasToString("http://127.0.0.1:8188");
        assertThat(config.getExecutorType()).isEqualTo(ExecutorType.HTTP);
        assertThat(config.getApiKey()).isNull();
        assertThat(config.getRunninghubUrl()).hasToString("https://www.runninghub.ai");
        assertThat(config.getRunninghubRetryCount()).isEqualTo(3);
        assertThat(config.getTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.getRunninghubTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(config.getRunninghubApiVersion()).as("v2 for new users").isEqualTo("v2");
    }

    @Test
    void theRunningHubApiVersionIsV1OrV2() {
        assertThat(with(Map.of()).runninghubApiVersion("v1").resolve().getRunninghubApiVersion()).isEqualTo("v1");
        assertThat(ClientOption.RUNNINGHUB_API_VERSION.parse(" V1 ")).isEqualTo("v1");
        assertThatThrownBy(() -> with(Map.of()).runninghubApiVersion("v3").resolve())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("runninghubApiVersion must be one of v1, v2 (the RunningHub API version), got 'v3'"
                        + " (option runninghubApiVersion)");
    }

    @Test
    void environmentVariablesOfThePythonSdkApply() {
        ComfyKitConfig config = with(Map.of("COMFYUI_BASE_URL", "http://gpu:8188", "COMFYUI_EXECUTOR_TYPE", "websocket",
                "COMFYUI_API_KEY", "k", "COMFYUI_COOKIES", "a=b", "RUNNINGHUB_BASE_URL", "https://www.runninghub.cn",
                "RUNNINGHUB_TIMEOUT", "120", "RUNNINGHUB_RETRY_COUNT", "5", "RUNNINGHUB_INSTANCE_TYPE", "plus")).resolve();
        assertThat(config.getComfyuiUrl()).hasToString("http://gpu:8188");
        assertThat(config.getExecutorType()).isEqualTo(ExecutorType.WEBSOCKET);
        assertThat(config.getApiKey()).isEqualTo("k");
        assertThat(config.getCookies()).isEqualTo("a=b");
        assertThat(config.getRunninghubUrl()).hasToString("https://www.runninghub.cn");
        assertThat(config.getRunninghubApiKey()).as("falls back to the ComfyUI key").isEqualTo("k");
        assertThat(config.getRunninghubTimeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(config.getRunninghubRetryCount()).isEqualTo(5);
        assertThat(config.getRunninghubInstanceType()).isEqualTo("plus");
    }

    @Test
    void builderValuesWinOverTheEnvironment() {
        ComfyKitConfig config = with(Map.of("COMFYUI_BASE_URL", "http://gpu:8188", "COMFYUI_EXECUTOR_TYPE", "http",
                "RUNNINGHUB_RETRY_COUNT", "5", "RUNNINGHUB_API_KEY", "env-rh"))
                .comfyuiUrl("http://other:9000/comfy").executorType("websocket").runninghubRetryCount(3)
                .runninghubApiKey("explicit").resolve();
        assertThat(config.getComfyuiUrl()).hasToString("http://other:9000/comfy");
        assertThat(config.getExecutorType()).isEqualTo(ExecutorType.WEBSOCKET);
        assertThat(config.getRunninghubRetryCount()).as("an explicit 3 is not mistaken for the default").isEqualTo(3);
        assertThat(config.getRunninghubApiKey()).isEqualTo("explicit");
    }

    @Test
    void blankEnvironmentValuesCountAsUnset() {
        assertThat(with(Map.of("COMFYUI_BASE_URL", "  ")).resolve().getComfyuiUrl())
                .hasToString("http://127.0.0.1:8188");
    }

    @Test
    void invalidValuesNameTheOptionAndVariable() {
        assertThatThrownBy(() -> with(Map.of("COMFYUI_BASE_URL", "localhost:8188")).resolve())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("comfyuiUrl").hasMessageContaining("COMFYUI_BASE_URL");
        assertThatThrownBy(() -> with(Map.of("COMFYUI_EXECUTOR_TYPE", "grpc")).resolve())
                .hasMessageContaining("'http' or 'websocket'");
        assertThatThrownBy(() -> with(Map.of("RUNNINGHUB_TIMEOUT", "soon")).resolve())
                .hasMessageContaining("RUNNINGHUB_TIMEOUT");
        assertThatThrownBy(() -> with(Map.of()).timeout(Duration.ZERO).resolve()).hasMessageContaining("timeout");
        assertThatThrownBy(() -> with(Map.of()).runninghubRetryCount(-1).resolve())
                .hasMessageContaining("runninghubRetryCount");
    }

    @Test
    void aRunningHubUrlWithoutWwwIsRejectedWithTheWwwFormToUse() {
        assertThatThrownBy(() -> with(Map.of()).runninghubUrl("https://runninghub.ai").resolve())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("runninghubUrl 'https://runninghub.ai' must name the www host: use"
                        + " https://www.runninghub.ai (option runninghubUrl, environment variable RUNNINGHUB_BASE_URL)");
        assertThatThrownBy(() -> with(Map.of("RUNNINGHUB_BASE_URL", "https://RunningHub.CN/")).resolve())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must name the www host: use https://www.runninghub.cn")
                .hasMessageContaining("RUNNINGHUB_BASE_URL");
        assertThat(with(Map.of()).runninghubUrl("https://www.runninghub.ai").resolve().getRunninghubUrl())
                .hasToString("https://www.runninghub.ai");
        assertThat(with(Map.of()).runninghubUrl("https://www.runninghub.cn").resolve().getRunninghubUrl())
                .hasToString("https://www.runninghub.cn");
    }

    @Test
    void toStringMasksSecrets() {
        ComfyKitConfig config = with(Map.of()).apiKey("sk-secret-123").cookies("session=topsecret")
                .runninghubApiKey("rh-secret-456").resolve();
        assertThat(config.toString()).doesNotContain("sk-secret-123", "topsecret", "rh-secret-456").contains("****");
    }
}
