package dev.comfykit.examples.springboot;

import dev.comfykit.camel.ComfyKitValidationException;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * Generates an image: params arrive as headers named like the workflow's params ({@code prompt}, {@code seed},
 * {@code width}, {@code height}); the answer is the bytes of the first output image. The server, the timeout and
 * the credentials are the component's, from {@code camel.component.comfykit.*}.
 */
@Component
public class GenerateRoute extends RouteBuilder {

    /** The text-to-image workflow (the sample that the emulator runs and a ComfyUI with SD 1.5 can run). */
    public static final String WORKFLOW = "classpath:workflows/t2i.json";

    @Override
    public void configure() {
        // the caller's mistake (a missing or mistyped param): answered with 400, not worth an ERROR in the log
        onException(ComfyKitValidationException.class).logExhausted(false);

        from("direct:generate").routeId("generate")
                // the controller maps the request's query parameters to these headers
                .to("comfykit:" + WORKFLOW + "?headerParams=prompt,seed,width,height")
                .transform(simple("${body.files[0]}"))
                // downloads the image from ComfyUI (the component's converter for output files)
                .convertBodyTo(byte[].class);
    }
}
