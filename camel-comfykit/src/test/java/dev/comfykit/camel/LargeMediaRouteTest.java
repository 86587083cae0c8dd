package dev.comfykit.camel;

import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.OutputFile;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Big media through routes: a file message and a stream body are uploaded as they are read, split outputs reach a
 * {@code file:} endpoint as streams (the body is the OutputFile, never its bytes), and maxOutputBytes bounds what is
 * downloaded.
 */
class LargeMediaRouteTest extends EmulatorCamelTestSupport {

    private static final int SIZE = 24 << 20;
    private static final String COPY = "comfykit:classpath:workflows/file-copy.json?maxUploadBytes=" + (64 << 20);

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    @TempDir
    static Path inbox;

    @TempDir
    static Path outbox;

    @TempDir
    static Path downloads;

    @Override
    protected ComfyUiEmulatorExtension comfy() {
        return comfy;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("file:" + inbox + "?noop=true&include=.*\\.mp4").routeId("inbox")
                        .to(COPY + "&param.repeat=2")
                        .split(ComfyKitExpressions.outputFiles())
                        .to("mock:split")
                        .to("file:" + outbox);
                from("direct:stream").to(COPY).split(ComfyKitExpressions.outputFiles())
                        .setHeader(Exchange.FILE_NAME, constant("from-stream.bin")).to("file:" + outbox);
                from("direct:limited").to(COPY + "&maxOutputBytes=" + (SIZE - 1) + "&outputDirectory=" + downloads);
            }
        };
    }

    private static Path randomFile(Path file, int bytes) throws IOException {
        byte[] chunk = new byte[1 << 20];
        Random random = new Random(bytes);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int left = bytes; left > 0; left -= chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk, 0, Math.min(left, chunk.length));
            }
        }
        return file;
    }

    @Test
    void aFileMessageIsUploadedAndTheSplitOutputIsStreamedToAFileEndpoint() throws Exception {
        Path input = randomFile(inbox.resolve("clip.tmp"), SIZE);
        MockEndpoint split = getMockEndpoint("mock:split");
        split.expectedMessageCount(1);
        Files.move(input, inbox.resolve("clip.mp4"));

        split.assertIsSatisfied(30_000);
        assertThat(split.getExchanges().get(0).getMessage().getBody()).isInstanceOf(OutputFile.class);
        String name = split.getExchanges().get(0).getMessage().getHeader(Exchange.FILE_NAME, String.class);
        Path written = outbox.resolve(name);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> Files.exists(written) && Files.size(written) == 2L * SIZE);
        byte[] original = Files.readAllBytes(inbox.resolve("clip.mp4"));
        try (InputStream in = Files.newInputStream(written)) {
            assertThat(in.readNBytes(SIZE)).isEqualTo(original);
            assertThat(in.readAllBytes()).isEqualTo(original);
        }
    }

    @Test
    void aStreamBodyIsUploaded() throws Exception {
        Path input = randomFile(downloads.resolve("stream-source.bin"), SIZE);
        try (InputStream body = Files.newInputStream(input)) {
            template.sendBody("direct:stream", body);
        }
        assertThat(Files.mismatch(input, outbox.resolve("from-stream.bin"))).isEqualTo(-1);
    }

    @Test
    void anOutputOverMaxOutputBytesFailsTheExchangeNamingTheOption() throws Exception {
        Path input = randomFile(downloads.resolve("limited.mp4"), SIZE);
        assertThatThrownBy(() -> template.requestBody("direct:limited", input.toFile(), ExecuteResult.class))
                .isInstanceOf(CamelExecutionException.class)
                .hasStackTraceContaining("maxOutputBytes");
    }
}
