package dev.comfykit.client.e2e;

import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ExecuteResult;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Run in a child JVM with a small heap by {@link LargeMediaTest}: uploads a file, lets the emulator copy it
 * {@code repeat} times, and downloads the output to a file. An upload or download that held the file in heap would
 * end in an OutOfMemoryError and a non-zero exit.
 * <p>
 * Arguments: the emulator URL, the input file, the repeat count, the output file.
 */
public final class LargeMediaChild {

    private LargeMediaChild() {
    }

    public static void main(String[] args) throws Exception {
        try (ComfyKit kit = ComfyKit.builder().environment(name -> null).comfyuiUrl(args[0])
                .maxUploadBytes(4L << 30).timeout(Duration.ofMinutes(5)).build()) {
            ExecuteResult result = kit.execute("classpath:workflows/file-copy.json",
                    Map.of("video", Path.of(args[1]), "repeat", Integer.parseInt(args[2]))).join().orThrow();
            kit.download(result.getFiles().get(0), Path.of(args[3])).join();
        }
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.println("heap_peak_bytes=" + peak);
    }
}
