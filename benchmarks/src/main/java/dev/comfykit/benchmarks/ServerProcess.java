package dev.comfykit.benchmarks;

import dev.comfykit.emulator.ComfyUiEmulator;

import java.io.IOException;
import java.net.URI;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server the executions run on: the emulator as a separate JVM (the default, so that this JVM's CPU time, heap
 * and threads are the client's alone), the emulator in this JVM, or an external server.
 */
abstract class ServerProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");

    abstract String url();

    /** The server's process when it runs apart from this JVM (for its CPU time). */
    Optional<ProcessHandle> process() {
        return Optional.empty();
    }

    /** What the report says about the server. */
    abstract String describe();

    @Override
    public abstract void close();

    static ServerProcess external(String url) {
        return new ServerProcess() {
            @Override
            String url() {
                return url;
            }

            @Override
            String describe() {
                return "external server " + url;
            }

            @Override
            public void close() {
            }
        };
    }

    static ServerProcess inProcess(int parallelism, int promptDelayMs) {
        ComfyUiEmulator emulator = ComfyUiEmulator.builder()
                .stepTime(Duration.ZERO)
                .parallelism(parallelism)
                .promptDelay(Duration.ofMillis(promptDelayMs))
                .start();
        return new ServerProcess() {
            @Override
            String url() {
                return emulator.baseUrl();
            }

            @Override
            String describe() {
                return "emulator IN THIS JVM (figures include the server), parallelism " + parallelism
                        + ", prompt delay " + promptDelayMs + " ms";
            }

            @Override
            public void close() {
                emulator.close();
            }
        };
    }

    /**
     * Starts {@code dev.comfykit.emulator.Main} in a child JVM with this JVM's class path, waits for the URL it prints
     * and for {@code /system_stats} to answer. Its output goes to a log file (no thread of ours reads it).
     */
    static ServerProcess child(int parallelism, int promptDelayMs, List<String> jvmArgs, Path logDirectory)
            throws IOException, InterruptedException {
        return child(parallelism, promptDelayMs, jvmArgs, logDirectory, List.of());
    }

    /** As {@link #child(int, int, List, Path)}, with more emulator flags (e.g. {@code --max-upload-size}). */
    static ServerProcess child(int parallelism, int promptDelayMs, List<String> jvmArgs, Path logDirectory,
                               List<String> emulatorArgs) throws IOException, InterruptedException {
        Files.createDirectories(logDirectory);
        Path log = Files.createTempFile(logDirectory, "emulator-p" + parallelism + "-d" + promptDelayMs + "-", ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Djava.awt.headless=true");
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.comfykit.emulator.Main");
        command.addAll(List.of("--port", "0", "--step-time", "0", "--parallelism", String.valueOf(parallelism),
                "--prompt-delay", String.valueOf(promptDelayMs)));
        command.addAll(emulatorArgs);
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        Thread killer = new Thread(() -> stop(process), "bench-emulator-killer");
        Runtime.getRuntime().addShutdownHook(killer);
        String url;
        try {
            url = awaitUrl(process, log, Duration.ofSeconds(60));
            awaitStats(url, Duration.ofSeconds(30));
        } catch (IOException | InterruptedException | RuntimeException e) {
            stop(process);
            throw e;
        }
        String found = url;
        return new ServerProcess() {
            @Override
            String url() {
                return found;
            }

            @Override
            Optional<ProcessHandle> process() {
                return Optional.of(process.toHandle());
            }

            @Override
            String describe() {
                return "emulator in a separate JVM (pid " + process.pid() + "), parallelism " + parallelism
                        + ", prompt delay " + promptDelayMs + " ms, log " + log;
            }

            @Override
            public void close() {
                stop(process);
                try {
                    Runtime.getRuntime().removeShutdownHook(killer);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs anyway
                }
            }
        };
    }

    static String awaitUrl(Process process, Path log, Duration limit)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            Matcher m = LISTENING.matcher(text);
            if (m.find()) {
                return m.group(1);
            }
            if (!process.isAlive()) {
                throw new IOException("The emulator exited with " + process.exitValue() + ":\n" + text);
            }
            Thread.sleep(20);
        }
        throw new IOException("The emulator did not print its URL within " + limit.toSeconds() + " s; see " + log);
    }

    /** A plain socket, so that no HTTP client thread of ours outlives the check. */
    static void awaitStats(String url, Duration limit) throws IOException, InterruptedException {
        URI uri = URI.create(url);
        long deadline = System.nanoTime() + limit.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
                socket.setSoTimeout(5000);
                socket.getOutputStream().write(("GET " + uri.getPath() + "/system_stats HTTP/1.1\r\nHost: "
                        + uri.getHost() + ":" + uri.getPort() + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
                if (status.startsWith("HTTP/1.1 200")) {
                    return;
                }
                last = new IOException("answered " + status);
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(50);
        }
        throw new IOException("The emulator at " + url + " does not answer /system_stats", last);
    }

    static void stop(Process process) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
