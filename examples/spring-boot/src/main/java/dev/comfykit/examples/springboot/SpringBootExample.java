package dev.comfykit.examples.springboot;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * A Spring Boot application with the comfykit starter: {@code GET /images?prompt=...} answers with the image a
 * Camel route generates, {@code GET /describe} lists the workflow's params through the {@code ComfyKit} bean. The
 * ComfyUI server is configured in {@code application.yaml} ({@code camel.component.comfykit.*}).
 * <p>
 * Run it with {@code mvn -pl examples/spring-boot -am install -DskipTests} and then
 * {@code mvn -pl examples/spring-boot exec:java}; it listens on port 8080 ({@code -Dserver.port=...}).
 */
@SpringBootApplication
public class SpringBootExample {

    public static void main(String[] args) {
        new SpringApplicationBuilder(SpringBootExample.class)
                // the quick start: an embedded ComfyUI emulator unless COMFYUI_BASE_URL names a server
                .initializers(new EmbeddedComfyUi())
                .run(args);
    }
}
