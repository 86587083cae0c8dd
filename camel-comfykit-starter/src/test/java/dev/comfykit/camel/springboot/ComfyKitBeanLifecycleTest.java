package dev.comfykit.camel.springboot;

import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.emulator.ComfyUiEmulator;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The starter's {@link ComfyKit} bean is closed with the application context, without a destroy method being
 * named (Spring infers {@code close()} for AutoCloseable beans): an execution still in flight ends as cancelled
 * instead of waiting on a client that no longer exists.
 */
class ComfyKitBeanLifecycleTest {

    // a prompt takes a minute here, so it is surely still running when the context closes
    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO)
            .promptDelay(Duration.ofMinutes(1)));

    @Test
    void anExecutionInFlightIsCancelledWhenTheContextCloses(ComfyUiEmulator emulator) {
        CompletableFuture<ExecuteResult> inFlight;
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
                .properties("camel.component.comfykit.comfyui-url=" + comfy.baseUrl()).run()) {
            inFlight = context.getBean(ComfyKit.class).execute("classpath:workflows/t2i.json",
                    Map.of("prompt", "a slow sunrise"));
            await().atMost(Duration.ofSeconds(10)).until(() -> emulator.promptsReceived() == 1);
        }

        ExecuteResult result = inFlight.join();
        assertThat(result.isCompleted()).isFalse();
        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.CANCELLED);
    }
}
