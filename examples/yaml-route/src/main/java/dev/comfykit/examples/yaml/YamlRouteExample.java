package dev.comfykit.examples.yaml;

import dev.comfykit.emulator.ComfyUiEmulator;
import org.apache.camel.main.Main;

import java.time.Duration;

/**
 * Runs {@code routes/generate.yaml} with Camel Main: the route, the component options and the outbox are
 * configuration ({@code application.properties}), not code. Uses the embedded emulator unless
 * {@code COMFYUI_BASE_URL} is set.
 */
public final class YamlRouteExample {

    private YamlRouteExample() {
    }

    /** Runs the YAML route once against a ComfyUI server, writing outputs to {@code outbox}. */
    public static void run(String comfyuiUrl, String outbox) throws Exception {
        Main main = new Main();
        main.addOverrideProperty("comfyui.url", comfyuiUrl);
        main.addOverrideProperty("outbox", outbox);
        main.run();
    }

    public static void main(String[] args) throws Exception {
        String outbox = args.length > 0 ? args[0] : "target/yaml-example/outbox";
        String comfyuiUrl = System.getenv("COMFYUI_BASE_URL");
        if (comfyuiUrl != null && !comfyuiUrl.isBlank()) {
            run(comfyuiUrl, outbox);
            return;
        }
        try (ComfyUiEmulator emulator = ComfyUiEmulator.builder().stepTime(Duration.ofMillis(10)).start()) {
            run(emulator.baseUrl(), outbox);
        }
    }
}
