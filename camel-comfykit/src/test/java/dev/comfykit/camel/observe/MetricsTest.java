package dev.comfykit.camel.observe;

import dev.comfykit.camel.ComfyKitComponent;
import dev.comfykit.camel.ComfyKitConstants;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The comfykit.* meters, with a SimpleMeterRegistry bound in the Camel registry as camel-micrometer binds its own,
 * against the emulator: executions by outcome, workflow and server, failures by kind, media bytes both ways, jobs in
 * flight and the server's queue depth.
 */
class MetricsTest extends CamelTestSupport {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    @TempDir
    static Path dir;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private Path image;

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.getRegistry().bind("metricsRegistry", meters);
        context.getComponent("comfykit", ComfyKitComponent.class).getConfiguration().setComfyuiUrl(comfy.baseUrl());
        image = dir.resolve("in.png");
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", image.toFile());
        return context;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:t2i").to("comfykit:classpath:workflows/t2i.json?param.width=32&param.height=32"
                        + "&throwExceptionOnFailure=false&outputDirectory=" + dir.resolve("out"));
                from("direct:invert").to("comfykit:classpath:workflows/image-invert.json?param.image=" + image);
            }
        };
    }

    private String server() {
        return context.getComponent("comfykit", ComfyKitComponent.class).getActivity().attachedClients().get(0)
                .servers().get(0).name();
    }

    @Test
    void executionsAreTimedByOutcomeWorkflowAndServerAndFailuresCountedByKind() throws Exception {
        ExecuteResult first = template.requestBody("direct:t2i", "a cat", ExecuteResult.class);
        comfy.faults().failNode("KSampler", "RuntimeError", "sampler exploded");
        Exchange failed = template.request("direct:t2i", e -> e.getMessage().setBody("a dog"));

        Timer completed = meters.get("comfykit.execution").tags("operation", "execute", "outcome", "completed",
                "error", "none", "workflow", "t2i", "server", server()).timer();
        assertThat(completed.count()).isEqualTo(1);
        Timer execution = meters.get("comfykit.execution").tags("outcome", "failed", "error", "EXECUTION",
                "workflow", "t2i", "server", server()).timer();
        assertThat(execution.count()).isEqualTo(1);
        Counter failures = meters.get("comfykit.failures").tags("error", "EXECUTION", "server", server()).counter();
        assertThat(failures.count()).isEqualTo(1);
        // the server is on the result message for tracing and routes
        assertThat(failed.getMessage().getHeader(ComfyKitConstants.SERVER)).isEqualTo(server());
        // the first run saved its outputs: every downloaded byte was counted
        long saved = first.getFiles().stream().mapToLong(f -> f.getPath().toFile().length()).sum();
        assertThat(meters.get("comfykit.download.bytes").tags("server", server()).counter().count())
                .isEqualTo(saved).isPositive();
        assertThat(meters.get("comfykit.queue.depth").tags("server", server()).gauge()).isNotNull();
        assertThat(meters.get("comfykit.redispatches").functionCounter().count()).isZero();
    }

    @Test
    void uploadedMediaBytesAreCounted() throws Exception {
        template.requestBody("direct:invert", "", ExecuteResult.class);

        assertThat(meters.get("comfykit.upload.bytes").tags("server", server()).counter().count())
                .isEqualTo(Files.size(image));
        assertThat(meters.get("comfykit.execution").tags("workflow", "image-invert", "outcome", "completed")
                .timer().count()).isEqualTo(1);
    }

    @Test
    void jobsInFlightCountsExecutionsUntilTheyEnd() {
        Gauge inFlight = meters.get("comfykit.jobs.in.flight").gauge();
        assertThat(inFlight.value()).isZero();
        comfy.faults().stallExecution();
        CompletableFuture<Object> running = template.asyncRequestBody("direct:t2i", "a slow cat");

        await().atMost(Duration.ofSeconds(10)).until(() -> inFlight.value() == 1);
        assertThat(meters.get("comfykit.queue.depth").tags("server", server()).gauge().value()).isIn(1.0, Double.NaN);

        comfy.faults().releaseStall();
        running.join();
        assertThat(inFlight.value()).isZero();
    }

    @Test
    void theMetersGoAwayWithTheComponent() {
        template.requestBody("direct:t2i", "a cat", ExecuteResult.class);
        context.stop();

        assertThat(meters.find("comfykit.jobs.in.flight").gauge()).isNull();
        assertThat(meters.find("comfykit.queue.depth").gauge()).isNull();
        assertThat(meters.find("comfykit.redispatches").functionCounter()).isNull();
    }
}
