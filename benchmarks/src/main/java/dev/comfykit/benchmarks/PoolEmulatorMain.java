package dev.comfykit.benchmarks;

import dev.comfykit.emulator.ComfyUiEmulator;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The emulator process of the pool scenarios: the emulator of {@code comfykit-emulator} started from its builder, plus
 * a control channel on standard input that only the harness (its parent process) can reach. The emulator's own
 * command line has no remote fault control and no checkpoint list, and this module must not change the emulator;
 * its {@link dev.comfykit.emulator.EmulatorFaults} API already has the faults, so a line on stdin drives them.
 * <p>
 * Arguments: {@code PORT PARALLELISM PROMPT_DELAY_MS [CHECKPOINT,CHECKPOINT...] [STEP_MS PREVIEW_EVERY]} (the last
 * two pace a KSampler's progress and previews, for the events scenario). Commands on stdin, one a line:
 * {@code fail SECONDS} (every request is answered 503 for that long, then normal again).
 */
public final class PoolEmulatorMain {

    private PoolEmulatorMain() {
    }

    public static void main(String[] args) throws Exception {
        ComfyUiEmulator.Builder builder = ComfyUiEmulator.builder()
                .port(Integer.parseInt(args[0]))
                .stepTime(Duration.ZERO)
                .parallelism(Integer.parseInt(args[1]))
                .promptDelay(Duration.ofMillis(Long.parseLong(args[2])));
        if (args.length > 3 && !args[3].isBlank()) {
            List<String> checkpoints = Arrays.asList(args[3].split(","));
            builder.checkpoints(checkpoints);
        }
        if (args.length > 5) {
            builder.stepTime(Duration.ofMillis(Long.parseLong(args[4]))).previewEvery(Integer.parseInt(args[5]));
        }
        ComfyUiEmulator emulator = builder.start();
        Runtime.getRuntime().addShutdownHook(new Thread(emulator::close, "pool-emulator-shutdown"));
        System.out.println("pool emulator listening on " + emulator.baseUrl());
        System.out.flush();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pool-emulator-fault-timer");
            t.setDaemon(true);
            return t;
        });
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] words = line.trim().split("\\s+");
            if (words[0].equals("fail") && words.length == 2) {
                long seconds = Long.parseLong(words[1]);
                emulator.faults().failNext("*", "/*", Integer.MAX_VALUE, 503, "fault injected by the benchmark");
                timer.schedule(() -> {
                    emulator.faults().clear();
                    System.out.println("fault over");
                    System.out.flush();
                }, seconds, TimeUnit.SECONDS);
                System.out.println("failing every request with 503 for " + seconds + " s");
                System.out.flush();
            }
        }
        // the parent closed our stdin (it ended): stop with it
        emulator.close();
        System.exit(0);
    }
}
