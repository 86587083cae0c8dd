package dev.comfykit.readme;

import dev.comfykit.camel.ComfyKitValidationException;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The safe public generation API of the component docs' Security section and the route of the README's Spring Boot
 * section, as written there: Simple's {@code ${body.files[0]}} and {@code ${body.contentType}} work with
 * camel-comfykit alone, and {@code ${exception.message}} answers a caller with the problem once.
 */
class ComponentDocsHttpApiTest extends DocumentedRoutesSupport {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    @Override
    protected ComfyUiEmulatorExtension comfy() {
        return comfy;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // docs:begin camel-comfykit/src/main/docs/comfykit-component.adoc
                onException(ComfyKitValidationException.class).handled(true)
                    .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(400))
                    .setBody(simple("${exception.message}"));

                from("platform-http:/generate?httpMethodRestrict=GET")
                    .to("comfykit:classpath:workflows/t2i.json?param.width=512&param.height=512&headerParams=prompt,seed")
                    .transform(simple("${body.files[0]}"))
                    .removeHeaders("*")
                    .setHeader(Exchange.CONTENT_TYPE, simple("${body.contentType}"))
                    .convertBodyTo(byte[].class);
                // docs:end

                // docs:begin README.md
                from("direct:generate")
                    .to("comfykit:classpath:workflows/t2i.json?headerParams=seed,width")  // the body is the prompt; the
                    .transform(simple("${body.files[0]}"))            // listed headers (seed, width) are params too
                    .convertBodyTo(byte[].class);                     // the image itself
                // docs:end
            }
        };
    }

    @Test
    void aGetWithPromptAndSeedAnswersWithThePngAtTheLockedSize() throws Exception {
        HttpResponse<byte[]> answer = get("/generate?prompt=a%20cat&seed=42");

        assertThat(answer.statusCode()).as(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("image/png");
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(answer.body()));
        assertThat(png.getWidth()).isEqualTo(512);
        assertThat(png.getHeight()).isEqualTo(512);
    }

    @Test
    void aCallerChangingALockedParamGetsA400WithTheReasonOnce() throws Exception {
        HttpResponse<byte[]> answer = get("/generate?prompt=a%20cat&width=4096");

        String body = new String(answer.body(), StandardCharsets.UTF_8);
        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(body).contains("'width'").doesNotContain("Exchange[", "Caused by");
    }

    @Test
    void aSeedThatIsNotANumberGetsA400SayingSo() throws Exception {
        HttpResponse<byte[]> answer = get("/generate?prompt=a%20cat&seed=abc");

        String body = new String(answer.body(), StandardCharsets.UTF_8);
        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(body).contains("'seed'", "abc").doesNotContain("Exchange[", "Caused by");
    }

    @Test
    void theSpringBootSectionsRouteAnswersWithTheImageBytes() throws Exception {
        byte[] png = template.requestBodyAndHeader("direct:generate", "a red fox", "width", 96, byte[].class);

        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isEqualTo(96);
    }
}
