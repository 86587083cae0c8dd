package dev.comfykit.examples.filedrop;

import dev.comfykit.camel.ComfyKitExpressions;
import dev.comfykit.emulator.ComfyUiEmulator;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The quick start: prompt text files dropped into {@code inbox/} become PNG images in {@code outbox/}.
 * <p>
 * The route reads each {@code .txt} file, runs the text-to-image workflow with the file's text as its
 * {@code prompt} param, and writes every output image under the prompt file's name. It runs against the embedded
 * ComfyUI emulator unless {@code COMFYUI_BASE_URL} names a real server (which then needs the SD 1.5 checkpoint
 * {@code v1-5-pruned-emaonly.safetensors}).
 */
public final class FileDropExample {

    /** The prompts the example drops into its inbox. */
    public static final List<String> PROMPTS = List.of(
            "a lighthouse on a cliff at sunset",
            "a red fox asleep in the snow",
            "a robot reading a book under a tree");

    private FileDropExample() {
    }

    /**
     * Runs the example in a working directory and exits 0 once every prompt became a PNG.
     *
     * @param args optional: the working directory (default {@code target/quickstart})
     */
    public static void main(String[] args) throws Exception {
        Path workDirectory = Path.of(args.length > 0 ? args[0] : "target/quickstart");
        String comfyuiUrl = System.getenv("COMFYUI_BASE_URL");
        List<Path> images;
        if (comfyuiUrl == null || comfyuiUrl.isBlank()) {
            try (ComfyUiEmulator emulator = ComfyUiEmulator.builder().stepTime(Duration.ofMillis(10)).start()) {
                System.out.println("Started the embedded ComfyUI emulator at " + emulator.baseUrl()
                        + " (set COMFYUI_BASE_URL to use a real ComfyUI)");
                images = run(workDirectory, emulator.baseUrl(), PROMPTS, Duration.ofMinutes(2));
            }
        } else {
            System.out.println("Using the ComfyUI server at " + comfyuiUrl);
            images = run(workDirectory, comfyuiUrl, PROMPTS, Duration.ofMinutes(10));
        }
        System.out.println();
        System.out.println("Generated " + images.size() + " images:");
        for (Path image : images) {
            System.out.println("  " + image.toAbsolutePath());
        }
    }

    /**
     * Drops the prompts into {@code workDirectory/inbox} and waits until each became a PNG in
     * {@code workDirectory/outbox}.
     *
     * @return the written images
     * @throws IllegalStateException when not every prompt became an image within the limit
     */
    public static List<Path> run(Path workDirectory, String comfyuiUrl, List<String> prompts, Duration limit)
            throws Exception {
        Path inbox = fresh(workDirectory.resolve("inbox"));
        Path outbox = fresh(workDirectory.resolve("outbox"));
        try (CamelContext context = new DefaultCamelContext()) {
            context.addRoutes(new GenerateImagesRoute(inbox, outbox, comfyuiUrl));
            context.start();
            for (int i = 0; i < prompts.size(); i++) {
                // written under a temporary name and renamed, so the route never reads a half-written file
                Path temporary = Files.writeString(inbox.resolve(".prompt-" + i + ".tmp"), prompts.get(i));
                Files.move(temporary, inbox.resolve("prompt-" + (i + 1) + ".txt"));
            }
            long deadline = System.nanoTime() + limit.toNanos();
            List<Path> images = pngs(outbox);
            while (images.size() < prompts.size() && System.nanoTime() < deadline) {
                Thread.sleep(50);
                images = pngs(outbox);
            }
            if (images.size() < prompts.size()) {
                throw new IllegalStateException("Only " + images.size() + " of " + prompts.size() + " images were"
                        + " written to " + outbox + " within " + limit + "; see the log above for the failures.");
            }
            return images;
        }
    }

    /** The route: one prompt file in, one image per output out, named after the prompt file. */
    static final class GenerateImagesRoute extends RouteBuilder {
        private final Path inbox;
        private final Path outbox;
        private final String comfyuiUrl;

        GenerateImagesRoute(Path inbox, Path outbox, String comfyuiUrl) {
            this.inbox = inbox;
            this.outbox = outbox;
            this.comfyuiUrl = comfyuiUrl;
        }

        @Override
        public void configure() {
            from("file:" + inbox + "?include=.*\\.txt&delete=true&delay=100").routeId("generate-images")
                    .setProperty("promptFile", simple("${file:onlyname.noext}"))
                    .convertBodyTo(String.class)
                    .log("Generating an image for '${body}'")
                    .to("comfykit:classpath:workflows/t2i.json?param.width=512&param.height=320"
                            + "&comfyuiUrl=" + comfyuiUrl)
                    .log("Prompt ${header.CamelComfyKitPromptId} done in ${header.CamelComfyKitDuration} s")
                    .split(ComfyKitExpressions.outputFiles())
                        .setHeader(Exchange.FILE_NAME, simple("${exchangeProperty.promptFile}.png"))
                        .to("file:" + outbox + "?tempPrefix=.writing-")
                        .log("Wrote ${header.CamelFileNameProduced}")
                    .end();
        }
    }

    private static Path fresh(Path directory) throws IOException {
        if (Files.exists(directory)) {
            try (Stream<Path> files = Files.walk(directory)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
        return Files.createDirectories(directory);
    }

    private static List<Path> pngs(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return new ArrayList<>(files.map(Path::getFileName).map(Path::toString)
                    .filter(name -> name.endsWith(".png") && !name.startsWith("."))
                    .sorted().map(directory::resolve).toList());
        }
    }
}
