package dev.comfykit.client;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The option table: its defaults, parsing, rules and error messages, and the table in ComfyKitConfig's Javadoc. */
class ClientOptionTest {

    @Test
    void everyOptionHasADistinctNameADocAndAValidDefault() {
        assertThat(ClientOption.all()).extracting(ClientOption::name).doesNotHaveDuplicates().hasSize(33);
        for (ClientOption<?> option : ClientOption.all()) {
            assertThat(option.doc()).as(option.name()).isNotBlank();
            assertThat(ClientOption.named(option.name())).contains(option);
            checkDefault(option);
        }
    }

    private static <T> void checkDefault(ClientOption<T> option) {
        if (option.defaultText() == null) {
            assertThat(option.defaultValue()).as(option.name()).isNull();
        } else {
            assertThat(option.defaultValue()).as(option.name()).isEqualTo(option.parse(option.defaultText()));
            option.validate(option.defaultValue());
        }
    }

    @Test
    void durationsAreReadAsCamelAndSpringWriteThem() {
        ClientOption<Duration> timeout = ClientOption.TIMEOUT;
        assertThat(timeout.parse("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(timeout.parse("45s")).isEqualTo(Duration.ofSeconds(45));
        assertThat(timeout.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(timeout.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(timeout.parse("PT90S")).isEqualTo(Duration.ofSeconds(90));
        assertThat(timeout.parse("1500")).isEqualTo(Duration.ofMillis(1500));
        assertThatThrownBy(() -> timeout.parse("soon")).hasMessage(
                "timeout 'soon' is not a duration: write 10m, 30s, 500ms, 1h, PT10M or a number of milliseconds"
                        + " (option timeout)");
    }

    @Test
    void theEnvironmentIsReadAsThePythonSdkReadsIt() {
        assertThat(ClientOption.RUNNINGHUB_TIMEOUT.parseEnvironment("120")).isEqualTo(Duration.ofSeconds(120));
        assertThatThrownBy(() -> ClientOption.RUNNINGHUB_TIMEOUT.parseEnvironment("10m")).hasMessage(
                "RUNNINGHUB_TIMEOUT must be a number of seconds such as 1800, got '10m' (environment variable of"
                        + " option runninghubTimeout; correct or unset it)");
        assertThat(ClientOption.EXECUTOR_TYPE.parseEnvironment("ws")).isEqualTo(ExecutorType.WEBSOCKET);
        assertThatThrownBy(() -> ClientOption.EXECUTOR_TYPE.parseEnvironment("grpc"))
                .hasMessageContaining("COMFYUI_EXECUTOR_TYPE").hasMessageContaining("'http' or 'websocket'")
                .hasMessageContaining("executorType");
    }

    @Test
    void rulesNameTheOptionTheVariableAndTheFix() {
        assertThatThrownBy(() -> ClientOption.RUNNINGHUB_MAX_CONCURRENCY.validate(0))
                .hasMessage("runninghubMaxConcurrency must be at least 1, got 0 (option runninghubMaxConcurrency)");
        assertThatThrownBy(() -> ClientOption.RUNNINGHUB_RETRY_COUNT.validate(-1)).hasMessage(
                "runninghubRetryCount must not be negative, got -1 (option runninghubRetryCount, environment variable"
                        + " RUNNINGHUB_RETRY_COUNT)");
        assertThatThrownBy(() -> ClientOption.MAX_UPLOAD_BYTES.validate(0L)).hasMessageContaining("maxUploadBytes")
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> ClientOption.CONNECT_TIMEOUT.validate(Duration.ZERO)).hasMessage(
                "connectTimeout must be a positive duration such as 10s, got PT0S (option connectTimeout)");
        assertThatThrownBy(() -> ClientOption.COMFYUI_URL.validate("localhost:8188")).hasMessage(
                "comfyuiUrl 'localhost:8188' is not an http(s) base URL such as http://127.0.0.1:8188 (option"
                        + " comfyuiUrl, environment variable COMFYUI_BASE_URL)");
    }

    @Test
    void theBuilderSetsAnyOptionGenerically() {
        ComfyKitConfig config = ComfyKit.builder().environment(name -> null)
                .set(ClientOption.TIMEOUT, Duration.ofSeconds(5)).set(ClientOption.COOKIES, "a=b")
                .set(ClientOption.LOST_PROMPT_GRACE, Duration.ofSeconds(7)).resolve();
        assertThat(config.getTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.get(ClientOption.COOKIES)).isEqualTo("a=b");
        assertThat(config.getLostPromptGrace()).isEqualTo(Duration.ofSeconds(7));
        for (ClientOption<?> option : ClientOption.all()) {
            assertThat((Object) config.get(option)).as(option.name())
                    .isEqualTo(option == ClientOption.TIMEOUT || option == ClientOption.COOKIES
                            || option == ClientOption.LOST_PROMPT_GRACE ? config.get(option) : option.defaultValue());
        }
    }

    @Test
    void onlyTheAdvancedOptionsAreClientOnlyAndOnlyCookiesIsRenamed() {
        Map<String, String> renamed = new java.util.TreeMap<>();
        List<String> clientOnly = new ArrayList<>();
        for (ClientOption<?> option : ClientOption.all()) {
            option.componentName().ifPresentOrElse(name -> {
                if (!name.equals(option.name())) {
                    renamed.put(option.name(), name);
                }
            }, () -> clientOnly.add(option.name()));
        }
        assertThat(renamed).isEqualTo(Map.of("cookies", "cookieSecret"));
        assertThat(clientOnly).containsExactly("lostPromptGrace", "reconcileInterval");
    }

    /** The options table in ComfyKitConfig's Javadoc lists every option with its variable and default. */
    @Test
    void theJavadocTableOfComfyKitConfigIsTheOptionTable() throws IOException {
        String source = Files.readString(Path.of("src/main/java/dev/comfykit/client/ComfyKitConfig.java"));
        Matcher row = Pattern.compile("<tr><td>(\\w+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>").matcher(source);
        List<String> documented = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        while (row.find()) {
            String variable = row.group(2).isEmpty() ? "" : row.group(2).split(" ")[0];
            String defaultText = row.group(3).split(" ")[0];
            documented.add(row.group(1) + " | " + variable + " | " + defaultText);
        }
        for (ClientOption<?> option : ClientOption.all()) {
            String defaultText = option.defaultText() != null ? option.defaultText()
                    : option.fallback().map(ClientOption::name).orElse("none");
            expected.add(option.name() + " | " + option.environmentVariable().orElse("") + " | " + defaultText);
        }
        assertThat(documented).containsExactlyElementsOf(expected);
    }
}
