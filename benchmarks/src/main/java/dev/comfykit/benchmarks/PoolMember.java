package dev.comfykit.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One emulator of a pool scenario, in its own JVM ({@link PoolEmulatorMain}), that the harness can kill, restart on
 * the same port (a restart that forgets the queue and the history) and make answer 503 for a while.
 */
final class PoolMember implements AutoCloseable {

    private final int index;
    private final int parallelism;
    private final int promptDelayMs;
    private final String checkpoints;
    private final List<String> jvmArgs;
    private final Path logDirectory;
    private int stepMs;
    private int previewEvery;
    private int port;
    private Process process;
    private String url;
    private int starts;

    private PoolMember(int index, int parallelism, int promptDelayMs, String checkpoints, List<String> jvmArgs,
                       Path logDirectory) {
        this.index = index;
        this.parallelism = parallelism;
        this.promptDelayMs = promptDelayMs;
        this.checkpoints = checkpoints == null ? "" : checkpoints;
        this.jvmArgs = jvmArgs;
        this.logDirectory = logDirectory;
    }

    /** Starts the member on a free port (later restarts keep that port). */
    static PoolMember start(int index, int parallelism, int promptDelayMs, String checkpoints, List<String> jvmArgs,
                            Path logDirectory) throws IOException, InterruptedException {
        PoolMember member = new PoolMember(index, parallelism, promptDelayMs, checkpoints, jvmArgs, logDirectory);
        member.launch();
        return member;
    }

    /**
     * Starts a member whose KSampler steps take {@code stepMs} and send a preview every {@code previewEvery} steps
     * (the events scenario), on a free port.
     */
    static PoolMember startPaced(int index, int stepMs, int previewEvery, List<String> jvmArgs, Path logDirectory)
            throws IOException, InterruptedException {
        PoolMember member = new PoolMember(index, 1, 0, null, jvmArgs, logDirectory);
        member.stepMs = stepMs;
        member.previewEvery = previewEvery;
        member.launch();
        return member;
    }

    String url() {
        return url;
    }

    String name() {
        return "s" + index;
    }

    String describe() {
        return "pool emulator " + name() + " at " + url + " (separate JVM), parallelism " + parallelism
                + ", prompt delay " + promptDelayMs + " ms" + (checkpoints.isEmpty() ? "" : ", checkpoints " + checkpoints);
    }

    /** Kills the process at once (no shutdown hook runs: like a crash or a pulled plug). */
    void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    /** Starts the process again on its port after {@link #kill()}. */
    void relaunch() throws IOException, InterruptedException {
        launch();
    }

    /** Every request is answered 503 for the given time, then the server is normal again. */
    void failFor(int seconds) throws IOException {
        OutputStream stdin = process.getOutputStream();
        stdin.write(("fail " + seconds + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /**
     * The server's {@code /history} (everything it ran since it started), or null when it does not answer 200 within
     * {@code patience} (a server answering 503 is asked again until its fault is over).
     */
    String history(HttpClient http, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        do {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/history"))
                        .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return response.body();
                }
            } catch (IOException e) {
                // not up (yet): asked again below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        } while (System.nanoTime() < deadline);
        return null;
    }

    private void launch() throws IOException, InterruptedException {
        Files.createDirectories(logDirectory);
        Path log = Files.createTempFile(logDirectory, "pool-emulator-" + name() + "-" + (++starts) + "-", ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Djava.awt.headless=true");
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(PoolEmulatorMain.class.getName());
        command.addAll(List.of(String.valueOf(port), String.valueOf(parallelism), String.valueOf(promptDelayMs),
                checkpoints));
        if (stepMs > 0) {
            command.addAll(List.of(String.valueOf(stepMs), String.valueOf(previewEvery)));
        }
        Process started = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        try {
            url = ServerProcess.awaitUrl(started, log, Duration.ofSeconds(60));
            ServerProcess.awaitStats(url, Duration.ofSeconds(30));
        } catch (IOException | InterruptedException | RuntimeException e) {
            ServerProcess.stop(started);
            throw e;
        }
        process = started;
        port = URI.create(url).getPort();
    }

    @Override
    public void close() {
        if (process != null) {
            ServerProcess.stop(process);
        }
    }
}
