package dev.comfykit.camel;

import com.fasterxml.jackson.databind.ObjectMapper;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.MediaKind;
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
 * Outputs: left as URLs, downloaded into a directory, or split into one message per file; results convert to JSON
 * and maps, output files to bytes.
 */
class OutputsTest extends EmulatorCamelTestSupport {

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
                from("direct:urls").to("comfykit:classpath:workflows/t2i.json?param.width=32&param.height=32");
                from("direct:download").to("comfykit:classpath:workflows/video.json?param.frames=2"
                        + "&outputDirectory=" + downloads);
                from("direct:split").to("comfykit:classpath:workflows/t2i.json?param.width=32&param.height=32")
                        .split(ComfyKitExpressions.outputFiles())
                        .to("file:" + outbox)
                        .to("mock:written");
                from("direct:split-simple").to("comfykit:classpath:workflows/audio.json?param.seconds=0.1")
                        .split(simple("${body.files}"))
                        .setHeader(Exchange.FILE_NAME, simple("${body.filename}"))
                        .convertBodyTo(byte[].class)
                        .to("mock:bytes");
            }
        };
    }

    @Test
    void byDefaultOutputsStayOnTheServerAsUrls() {
        ExecuteResult result = template.requestBody("direct:urls", "a cat", ExecuteResult.class);
        assertThat(result.getImages()).singleElement().satisfies(url -> assertThat(url).startsWith(comfy.baseUrl()
                + "/view?filename="));
        assertThat(result.getFiles()).allSatisfy(f -> assertThat(f.getPath()).isNull());
    }

    @Test
    void outputDirectoryDownloadsEveryFileAndTheResultKnowsThePaths() throws Exception {
        ExecuteResult result = template.requestBody("direct:download", "a spinning top", ExecuteResult.class);

        OutputFile video = result.getFiles().get(0);
        assertThat(video.getKind()).isEqualTo(MediaKind.VIDEO);
        assertThat(video.getPath()).isNotNull().startsWith(downloads.toAbsolutePath());
        assertThat(new String(Files.readAllBytes(video.getPath()), 0, 6, java.nio.charset.StandardCharsets.US_ASCII))
                .startsWith("GIF8");
    }

    @Test
    void splittingWritesEachOutputUnderASafeName() throws Exception {
        MockEndpoint written = getMockEndpoint("mock:written");
        written.expectedMessageCount(1);
        written.expectedHeaderReceived(ComfyKitConstants.OUTPUT_VARIABLE, "image");
        written.expectedHeaderReceived(ComfyKitConstants.OUTPUT_KIND, MediaKind.IMAGE);
        written.expectedHeaderReceived(Exchange.CONTENT_TYPE, "image/png");

        template.sendBody("direct:split", "a lighthouse");

        written.assertIsSatisfied();
        String name = written.getExchanges().get(0).getMessage().getHeader(Exchange.FILE_NAME, String.class);
        assertThat(name).startsWith("ComfyKit_t2i_").endsWith("_.png");
        byte[] png = Files.readAllBytes(outbox.resolve(name));
        assertThat(png).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    }

    @Test
    void simpleCanSplitTheFilesToo() throws Exception {
        MockEndpoint bytes = getMockEndpoint("mock:bytes");
        bytes.expectedMessageCount(1);
        template.sendBody("direct:split-simple", null);
        bytes.assertIsSatisfied();
        byte[] wav = bytes.getExchanges().get(0).getMessage().getBody(byte[].class);
        assertThat(new String(wav, 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("RIFF");
    }

    @Test
    void resultsConvertToJsonWithThePythonFieldNamesAndToMaps() throws Exception {
        ExecuteResult result = template.requestBody("direct:urls", "a cat", ExecuteResult.class);

        JsonNode json = new ObjectMapper().readTree(context.getTypeConverter().convertTo(String.class, result));
        assertThat(json.get("status").asText()).isEqualTo("completed");
        assertThat(json.get("prompt_id").asText()).isEqualTo(result.getPromptId());
        assertThat(json.has("images_by_var")).isTrue();
        @SuppressWarnings("unchecked")
        Map<String, Object> map = context.getTypeConverter().convertTo(Map.class, result);
        assertThat(map).containsEntry("status", "completed");
    }
}
