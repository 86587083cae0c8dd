package dev.comfykit.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The whole machine's busy CPU time (Linux {@code /proc/stat}) and the server process's CPU time, so that a run can
 * say how much CPU the server used per execution and how much other processes took from the shared cores.
 */
final class MachineLoad {

    private static final Path STAT = Path.of("/proc/stat");
    private static final long TICK_NANOS = 10_000_000L; // USER_HZ = 100 on Linux

    private MachineLoad() {
    }

    /** A reading: busy nanos of all cores (or -1 when unknown) and the server's CPU nanos (or -1). */
    record Reading(long machineBusyNanos, long serverCpuNanos) {
    }

    static Reading read(Optional<ProcessHandle> server) {
        return new Reading(machineBusy(), server.flatMap(p -> p.info().totalCpuDuration()).map(Duration::toNanos)
                .orElse(-1L));
    }

    private static long machineBusy() {
        try {
            String first = Files.readAllLines(STAT).get(0);
            String[] f = first.trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...
            long busy = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy * TICK_NANOS;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
