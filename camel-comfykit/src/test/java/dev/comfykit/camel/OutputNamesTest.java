package dev.comfykit.camel;

import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.OutputFile;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Outputs named from the input: with outputNameFromInput the file a route read names the outputs, the
 * CamelComfyKitOutputName header names them explicitly, and whatever the header says, it never becomes a path.
 */
class OutputNamesTest extends EmulatorCamelTestSupport {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    @TempDir
    static Path downloads;

    @TempDir
    static Path outbox;

    @Override
    protected ComfyUiEmulatorExtension comfy() {
        return comfy;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:save").to("comfykit:classpath:workflows/t2i.json?param.width=32&param.height=32"
                        + "&outputNameFromInput=true&outputDirectory=" + downloads.resolve("one"));
                from("direct:save-batch").to("comfykit:classpath:test-workflows/t2i-batch.json?param.width=32"
                        + "&param.height=32&param.batch=2&outputNameFromInput=true&outputDirectory="
                        + downloads.resolve("batch"));
                from("direct:save-server-names").to("comfykit:classpath:workflows/t2i.json?param.width=32"
                        + "&param.height=32&outputDirectory=" + downloads.resolve("server"));
                from("direct:split").to("comfykit:classpath:workflows/t2i.json?param.width=32&param.height=32"
                        + "&outputNameFromInput=true")
                        .split(ComfyKitExpressions.outputFiles())
                        .to("file:" + outbox)
                        .to("mock:written");
            }
        };
    }

    @Test
    void oneOutputTakesTheInputFilesBaseName() {
        ExecuteResult result = template.requestBodyAndHeader("direct:save", "a cat", Exchange.FILE_NAME,
                "prompts/prompt-1.txt", ExecuteResult.class);

        assertThat(result.getFiles()).singleElement().satisfies(file -> {
            assertThat(file.getPath()).isEqualTo(downloads.resolve("one").resolve("prompt-1.png").toAbsolutePath());
            assertThat(file.getPath()).isRegularFile();
        });
    }

    @Test
    void severalOutputsAreNumbered() {
        ExecuteResult result = template.requestBodyAndHeader("direct:save-batch", "two cats", Exchange.FILE_NAME_ONLY,
                "cats.txt", ExecuteResult.class);

        assertThat(result.getFiles()).extracting(f -> f.getPath().getFileName().toString())
                .containsExactlyInAnyOrder("cats-1.png", "cats-2.png");
    }

    @Test
    void theHeaderNamesTheOutputsAndWinsOverTheInputName() {
        ExecuteResult result = template.requestBodyAndHeaders("direct:save", "a dog", Map.of(
                Exchange.FILE_NAME, "prompt-2.txt", ComfyKitConstants.OUTPUT_NAME, "dog"), ExecuteResult.class);

        assertThat(result.getFiles()).extracting(f -> f.getPath().getFileName().toString()).containsExactly("dog.png");
    }

    @Test
    void aHostileHeaderIsMadeASafeNameInsideTheOutputDirectory() {
        ExecuteResult result = template.requestBodyAndHeader("direct:save", "a cat", ComfyKitConstants.OUTPUT_NAME,
                "../../../tmp/evil", ExecuteResult.class);

        OutputFile file = result.getFiles().get(0);
        assertThat(file.getPath().getParent()).isEqualTo(downloads.resolve("one").toAbsolutePath().normalize());
        assertThat(file.getPath().getFileName()).hasToString("evil.png");
    }

    @Test
    void withoutTheOptionOrHeaderTheServersNamesAreKept() {
        ExecuteResult result = template.requestBodyAndHeader("direct:save-server-names", "a cat", Exchange.FILE_NAME,
                "prompt-3.txt", ExecuteResult.class);

        assertThat(result.getFiles().get(0).getPath().getFileName().toString()).startsWith("ComfyKit_t2i_");
    }

    @Test
    void splitOutputsAreNamedFromTheInputToo() throws Exception {
        MockEndpoint written = getMockEndpoint("mock:written");
        written.expectedMessageCount(1);
        written.expectedHeaderReceived(Exchange.FILE_NAME, "lighthouse.png");

        template.sendBodyAndHeader("direct:split", "a lighthouse", Exchange.FILE_NAME, "lighthouse.txt");

        written.assertIsSatisfied();
        assertThat(Files.readAllBytes(outbox.resolve("lighthouse.png"))).startsWith((byte) 0x89, (byte) 'P');
    }
}
