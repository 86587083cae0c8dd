package dev.comfykit.examples.filedrop;

import dev.comfykit.camel.ComfyKitExpressions;
import dev.comfykit.emulator.ComfyUiEmulator;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The quick start: prompt text files dropped into {@code inbox/} become PNG images in {@code outbox/}.
 * <p>
 * The route reads each {@code .txt} file, runs the text-to-image workflow with the file's text as its
 * {@code prompt} param, and writes every output image under the prompt file's name. A file that cannot become an
 * image is moved to {@code failed/} with the reason in {@code <name>.error.txt}, logged once. It runs against the embedded
 * ComfyUI emulator unless {@code COMFYUI_BASE_URL} names a real server (which then needs the SD 1.5 checkpoint
 * {@code v1-5-pruned-emaonly.safetensors}).
 */
public final class FileDropExample {

    /** The prompts the example drops into its inbox. */
    public static final List<String> PROMPTS = List.of(
            "a lighthouse on a cliff at sunset",
            "a red fox asleep in the snow",
            "a robot reading a book under a tree");

    /**
     * Files the example drops that cannot become an image, to show what happens to them: each is moved to
     * {@code failed/} with the reason next to it.
     */
    public static final Map<String, String> BAD_FILES = Map.of("misspelled.json", "{\"promt\": \"a cat\"}");

    private FileDropExample() {
    }

    /** What a run left behind: the written images and, for each bad file, its reason file in {@code failed/}. */
    public record Outcome(List<Path> images, List<Path> errorFiles) {
    }

    /**
     * Runs the example in a working directory and exits 0 once every prompt became a PNG and every bad file was
     * moved to {@code failed/}.
     *
     * @param args optional: the working directory (default {@code target/quickstart})
     */
    public static void main(String[] args) throws Exception {
        Path workDirectory = Path.of(args.length > 0 ? args[0] : "target/quickstart");
        String comfyuiUrl = System.getenv("COMFYUI_BASE_URL");
        Outcome outcome;
        if (comfyuiUrl == null || comfyuiUrl.isBlank()) {
            try (ComfyUiEmulator emulator = ComfyUiEmulator.builder().stepTime(Duration.ofMillis(10)).start()) {
                System.out.println("Started the embedded ComfyUI emulator at " + emulator.baseUrl()
                        + " (set COMFYUI_BASE_URL to use a real ComfyUI)");
                outcome = run(workDirectory, emulator.baseUrl(), PROMPTS, BAD_FILES, Duration.ofMinutes(2));
            }
        } else {
            System.out.println("Using the ComfyUI server at " + comfyuiUrl);
            outcome = run(workDirectory, comfyuiUrl, PROMPTS, BAD_FILES, Duration.ofMinutes(10));
        }
        System.out.println();
        System.out.println("Generated " + outcome.images().size() + " images:");
        for (Path image : outcome.images()) {
            System.out.println("  " + image.toAbsolutePath());
        }
        System.out.println("Moved " + outcome.errorFiles().size() + " bad file(s) to failed/, with the reason in:");
        for (Path errorFile : outcome.errorFiles()) {
            System.out.println("  " + errorFile.toAbsolutePath());
        }
    }

    /**
     * Drops the prompts into {@code workDirectory/inbox} as {@code prompt-1.txt}, {@code prompt-2.txt}... and the
     * bad files under their names, then waits until each prompt became a PNG in {@code workDirectory/outbox} and
     * each bad file has its {@code .error.txt} in {@code workDirectory/failed}.
     *
     * @return the written images and reason files
     * @throws IllegalStateException when that did not happen within the limit
     */
    public static Outcome run(Path workDirectory, String comfyuiUrl, List<String> prompts,
                              Map<String, String> badFiles, Duration limit) throws Exception {
        Path inbox = fresh(workDirectory.resolve("inbox"));
        Path outbox = fresh(workDirectory.resolve("outbox"));
        Path failed = fresh(workDirectory.resolve("failed"));
        try (CamelContext context = new DefaultCamelContext()) {
            context.addRoutes(new GenerateImagesRoute(inbox, outbox, failed, comfyuiUrl));
            context.start();
            for (int i = 0; i < prompts.size(); i++) {
                drop(inbox, "prompt-" + (i + 1) + ".txt", prompts.get(i));
            }
            for (Map.Entry<String, String> bad : new TreeMap<>(badFiles).entrySet()) {
                drop(inbox, bad.getKey(), bad.getValue());
            }
            long deadline = System.nanoTime() + limit.toNanos();
            Outcome outcome = new Outcome(files(outbox, ".png"), files(failed, ".error.txt"));
            while ((outcome.images().size() < prompts.size() || outcome.errorFiles().size() < badFiles.size())
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
                outcome = new Outcome(files(outbox, ".png"), files(failed, ".error.txt"));
            }
            if (outcome.images().size() < prompts.size() || outcome.errorFiles().size() < badFiles.size()) {
                throw new IllegalStateException("Within " + limit + " only " + outcome.images().size() + " of "
                        + prompts.size() + " images were written to " + outbox + " and " + outcome.errorFiles().size()
                        + " of " + badFiles.size() + " bad files moved to " + failed + "; see the log above.");
            }
            return outcome;
        }
    }

    private static void drop(Path inbox, String name, String content) throws IOException {
        // written under a temporary name and renamed, so the route never reads a half-written file
        Path temporary = Files.writeString(inbox.resolve(".drop-" + name + ".tmp"), content);
        Files.move(temporary, inbox.resolve(name));
    }

    /**
     * The route: one prompt file in, one image per output out, named after the prompt file
     * ({@code outputNameFromInput=true}: {@code prompt-1.txt} gives {@code prompt-1.png}).
     * <p>
     * A file that cannot become an image (an empty prompt, a misspelled param in a JSON prompt) is not retried: the
     * file consumer moves it to {@code failed/} ({@code moveFailed}), the {@code onException} block writes the
     * reason next to it as {@code <name>.error.txt} and logs one WARN line, without a stack trace.
     */
    static final class GenerateImagesRoute extends RouteBuilder {
        private final Path inbox;
        private final Path outbox;
        private final Path failed;
        private final String comfyuiUrl;

        GenerateImagesRoute(Path inbox, Path outbox, Path failed, String comfyuiUrl) {
            this.inbox = inbox;
            this.outbox = outbox;
            this.failed = failed;
            this.comfyuiUrl = comfyuiUrl;
        }

        @Override
        public void configure() {
            // not handled: the exchange stays failed, so the file consumer applies moveFailed (and never retries)
            onException(Exception.class)
                    .handled(false)
                    .logExhausted(false)
                    .useOriginalMessage()
                    .log(LoggingLevel.WARN, "Could not generate an image for ${header.CamelFileName}:"
                            + " ${exception.message} (moved to " + failed + ")")
                    .setBody(simple("${exception.message}"))
                    .setHeader(Exchange.FILE_NAME, simple("${file:name}.error.txt"))
                    .to("file:" + failed);

            from("file:" + inbox + "?include=.*\\.(txt|json)&delete=true&delay=100"
                    + "&moveFailed=" + failed.toAbsolutePath() + "/${file:name}")
                    .routeId("generate-images")
                    .convertBodyTo(String.class)
                    .log("Generating an image for '${body}'")
                    .to("comfykit:classpath:workflows/t2i.json?param.width=512&param.height=320"
                            + "&outputNameFromInput=true&comfyuiUrl=" + comfyuiUrl)
                    .log("Prompt ${header.CamelComfyKitPromptId} done in ${header.CamelComfyKitDuration} s")
                    .split(ComfyKitExpressions.outputFiles())
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

    private static List<Path> files(Path directory, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return new ArrayList<>(files.map(Path::getFileName).map(Path::toString)
                    .filter(name -> name.endsWith(suffix) && !name.startsWith("."))
                    .sorted().map(directory::resolve).toList());
        }
    }
}
