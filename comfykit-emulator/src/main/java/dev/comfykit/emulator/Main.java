package dev.comfykit.emulator;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Command line entry point: {@code java -jar comfykit-emulator-all.jar --port 8188 --data-dir DIR}. Any ComfyUI
 * client, including the Python SDK, can then be pointed at the printed base URL. Stops cleanly on Ctrl-C.
 */
public final class Main {

    static final String USAGE = String.join("\n",
            "Usage: java -jar comfykit-emulator-all.jar [options]",
            "",
            "An embedded, protocol-faithful ComfyUI server (HTTP + WebSocket) that runs a small set of nodes.",
            "",
            "Options:",
            "  --port N            port to listen on (default 8188; 0 = a free port)",
            "  --host ADDRESS      address to listen on (default 127.0.0.1)",
            "  --data-dir DIR      folder for input/, output/ and temp/ (default: a temporary folder deleted on exit)",
            "  --step-time MS      simulated time of one KSampler step in milliseconds (default 20)",
            "  --preview-every N   KSampler sends a preview image every N steps (default 0: none)",
            "  --parallelism N     prompts executed at once (default 1, like ComfyUI)",
            "  --prompt-delay MS   extra time every prompt takes, in milliseconds (default 0)",
            "  --no-cache          do not reuse node results across prompts",
            "  --checkpoints A,B   checkpoint files CheckpointLoaderSimple offers (default: the SD 1.5 and SDXL bases)",
            "  --loras A,B         LoRA files LoraLoader offers (default none)",
            "  --vaes A,B          VAE files VAELoader offers (default none)",
            "  --without-nodes X,Y node classes this server lacks (e.g. to test routing between servers)",
            "  --protocol V        ComfyUI version whose protocol to speak: 0.3.65 (default, captured), 0.33.0 (jobs API)",
            "                      or 0.3.44 (/interrupt ignores the prompt id)",
            "  --max-upload-size MB largest upload in MB, answered 413 above it (default 100, like ComfyUI)",
            "  --help              show this help");

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        ComfyUiEmulator.Builder builder;
        try {
            builder = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println();
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (builder == null) {
            System.out.println(USAGE);
            return;
        }
        ComfyUiEmulator emulator;
        try {
            emulator = builder.start();
        } catch (IllegalStateException e) {
            System.err.println("error: " + e.getMessage() + (e.getCause() == null ? "" : ": " + e.getCause().getMessage()));
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            emulator.close();
            stopped.countDown();
        }, "comfyui-emulator-shutdown"));
        printStarted(emulator, System.out);
        stopped.await();
    }

    static void printStarted(ComfyUiEmulator emulator, PrintStream out) {
        out.println("ComfyUI emulator listening on " + emulator.baseUrl()
                + " (WebSocket " + emulator.webSocketUrl() + "?clientId=...)");
        out.println("RunningHub v1 and v2 emulation at " + emulator.runningHubUrl() + " (API key "
                + RunningHubEmulation.DEFAULT_API_KEY + ", workflow " + RunningHubEmulation.T2I_WORKFLOW_ID + ")");
        out.println("data directory: " + emulator.dataDirectory());
        out.println("protocol: ComfyUI " + emulator.protocol().version()
                + (emulator.protocol().jobsApi() ? " (with the jobs API)" : ""));
        out.println("Press Ctrl-C to stop.");
        out.flush();
    }

    /** Parses the flags into a builder; null for {@code --help}. */
    static ComfyUiEmulator.Builder parse(String[] args) {
        ComfyUiEmulator.Builder builder = ComfyUiEmulator.builder().port(8188);
        List<String> argv = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            switch (name) {
                case "--help", "-h" -> {
                    return null;
                }
                case "--no-cache" -> builder.outputCache(false);
                case "--port", "--host", "--data-dir", "--step-time", "--preview-every", "--parallelism", "--prompt-delay",
                        "--checkpoints", "--loras", "--vaes", "--without-nodes", "--protocol", "--max-upload-size" -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException(name + " needs a value");
                        }
                        value = args[++i];
                    }
                    apply(builder, name, value);
                    argv.add(name);
                    argv.add(value);
                    continue;
                }
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
            argv.add(arg);
        }
        builder.argv(argv);
        return builder;
    }

    private static void apply(ComfyUiEmulator.Builder builder, String name, String value) {
        switch (name) {
            case "--port" -> builder.port(number(name, value, 0, 65535));
            case "--host" -> builder.host(value);
            case "--data-dir" -> builder.dataDirectory(Path.of(value));
            case "--step-time" -> builder.stepTime(Duration.ofMillis(number(name, value, 0, Integer.MAX_VALUE)));
            case "--parallelism" -> builder.parallelism(number(name, value, 1, 4096));
            case "--preview-every" -> builder.previewEvery(number(name, value, 0, Integer.MAX_VALUE));
            case "--prompt-delay" -> builder.promptDelay(Duration.ofMillis(number(name, value, 0, Integer.MAX_VALUE)));
            case "--checkpoints" -> builder.checkpoints(list(value));
            case "--loras" -> builder.loras(list(value));
            case "--vaes" -> builder.vaes(list(value));
            case "--without-nodes" -> builder.withoutNodes(list(value).toArray(String[]::new));
            case "--protocol" -> builder.protocol(ProtocolVersion.parse(value));
            case "--max-upload-size" -> builder.maxUploadBytes(megabytes(name, value));
            default -> throw new IllegalArgumentException("unknown option " + name);
        }
    }

    /** A comma-separated list; blanks dropped (an empty value is the empty list). */
    private static List<String> list(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
    }

    /** ComfyUI's --max-upload-size: a number of MB (1 MB = 1024 * 1024 bytes), fractions allowed. */
    private static long megabytes(String name, String value) {
        try {
            double mb = Double.parseDouble(value.trim());
            if (!(mb > 0) || mb > 1024 * 1024) {
                throw new IllegalArgumentException(name + " must be a positive number of MB: " + value);
            }
            return (long) (mb * 1024 * 1024);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs a number of MB: " + value);
        }
    }

    private static int number(String name, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n < min || n > max) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ": " + value);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs a whole number: " + value);
        }
    }
}
