package dev.comfykit.examples.springboot;

import dev.comfykit.client.ComfyKit;
import org.apache.camel.ProducerTemplate;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The HTTP API. Generation goes through the Camel route; the workflow description comes straight from the
 * {@link ComfyKit} bean that the starter configures like the component.
 */
@RestController
public class ImageController {

    private final ProducerTemplate producer;
    private final ComfyKit comfyKit;

    public ImageController(ProducerTemplate producer, ComfyKit comfyKit) {
        this.producer = producer;
        this.comfyKit = comfyKit;
    }

    /**
     * {@code GET /images?prompt=a%20red%20fox&seed=42&width=512&height=512}: the generated PNG. The workflow
     * decides what is required and what type each param has: without a prompt, or with {@code seed=abc}, the
     * answer is 400 with the reason. So the query parameters are taken as text and checked by the component
     * against the workflow's declared types, not by Spring (whose own 400 would not say why).
     */
    @GetMapping(path = "/images", produces = MediaType.IMAGE_PNG_VALUE)
    public byte[] image(@RequestParam(name = "prompt", required = false) String prompt,
                        @RequestParam(name = "seed", required = false) String seed,
                        @RequestParam(name = "width", required = false) String width,
                        @RequestParam(name = "height", required = false) String height) {
        Map<String, Object> params = new LinkedHashMap<>();
        putIfPresent(params, "prompt", prompt);
        putIfPresent(params, "seed", seed);
        putIfPresent(params, "width", width);
        putIfPresent(params, "height", height);
        return producer.requestBodyAndHeaders("direct:generate", null, params, byte[].class);
    }

    /** {@code GET /describe}: the params and outputs the workflow declares. */
    @GetMapping(path = "/describe", produces = MediaType.APPLICATION_JSON_VALUE)
    public String describe() {
        return comfyKit.describe(GenerateRoute.WORKFLOW).join().toJson();
    }

    private static void putIfPresent(Map<String, Object> params, String name, Object value) {
        if (value != null) {
            params.put(name, value);
        }
    }
}
