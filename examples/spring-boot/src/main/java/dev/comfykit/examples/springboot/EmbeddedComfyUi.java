package dev.comfykit.examples.springboot;

import dev.comfykit.emulator.ComfyUiEmulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.time.Duration;
import java.util.Map;

/**
 * For trying the example without a ComfyUI: when {@code COMFYUI_BASE_URL} is not set, starts the embedded ComfyUI
 * emulator and sets {@code COMFYUI_BASE_URL} to it, which {@code application.yaml} reads. Only {@code main} uses it;
 * the application's configuration stays the one a production deployment has.
 */
public class EmbeddedComfyUi implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedComfyUi.class);

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        ConfigurableEnvironment environment = context.getEnvironment();
        String configured = environment.getProperty("COMFYUI_BASE_URL");
        if (configured != null && !configured.isBlank()) {
            return;
        }
        // simulated sampler steps of 10 ms, so that a request takes a moment, as on a real server
        ComfyUiEmulator emulator = ComfyUiEmulator.builder().stepTime(Duration.ofMillis(10)).start();
        environment.getPropertySources().addFirst(new MapPropertySource("embeddedComfyUi",
                Map.of("COMFYUI_BASE_URL", emulator.baseUrl())));
        context.addApplicationListener(event -> {
            if (event instanceof ContextClosedEvent) {
                emulator.close();
            }
        });
        LOG.info("Started the embedded ComfyUI emulator at {} (set COMFYUI_BASE_URL to use a real ComfyUI)",
                emulator.baseUrl());
    }
}
