package dev.comfykit.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.OperatingSystemMXBean;

import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What this JVM spends while a run is measured: process CPU time, the peak of the used heap (sampled every 10 ms by
 * one daemon thread, and read before every GC from the GC notifications), the largest heap still live after a GC,
 * GC count and time, and the peak of live threads ({@link ThreadMXBean#getPeakThreadCount()} after a reset).
 * <p>
 * One sampler serves the whole harness (its thread is part of the baseline thread count, reported apart).
 */
final class ResourceSampler implements AutoCloseable {

    private static final long PERIOD_MS = 10;

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final com.sun.management.ThreadMXBean allocation =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final OperatingSystemMXBean os =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
    private final AtomicLong peakUsed = new AtomicLong();
    private final AtomicLong peakLiveAfterGc = new AtomicLong();
    private final List<Runnable> unsubscribe = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile int peakSeen;
    private volatile String peakNames = "";

    ResourceSampler() {
        NotificationListener listener = (notification, handback) -> {
            if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                return;
            }
            GarbageCollectionNotificationInfo info =
                    GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
            long before = heapSum(info.getGcInfo().getMemoryUsageBeforeGc());
            long after = heapSum(info.getGcInfo().getMemoryUsageAfterGc());
            peakUsed.accumulateAndGet(before, Math::max);
            peakLiveAfterGc.accumulateAndGet(after, Math::max);
        };
        for (GarbageCollectorMXBean gc : collectors) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                unsubscribe.add(() -> {
                    try {
                        emitter.removeNotificationListener(listener);
                    } catch (Exception ignored) {
                        // already gone
                    }
                });
            }
        }
        thread = new Thread(this::sample, "bench-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private static long heapSum(Map<String, MemoryUsage> pools) {
        long sum = 0;
        for (Map.Entry<String, MemoryUsage> pool : pools.entrySet()) {
            String name = pool.getKey();
            // heap pools only (G1, Parallel, Serial); not Metaspace or the code cache
            if (name.contains("Eden") || name.contains("Survivor") || name.contains("Old") || name.contains("Tenured")) {
                sum += pool.getValue().getUsed();
            }
        }
        return sum;
    }

    private void sample() {
        while (running) {
            peakUsed.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
            int live = threads.getThreadCount();
            if (live > peakSeen) {
                peakSeen = live;
                peakNames = threadNames();
            }
            try {
                Thread.sleep(PERIOD_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The live threads by name pattern (digits collapsed), e.g. {@code 12 x Thread-#}: what the peak was made of. */
    private String threadNames() {
        java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds(), 0)) {
            if (info != null) {
                counts.merge(info.getThreadName().replaceAll("[0-9a-f]{6,}", "*").replaceAll("\\d+", "#"), 1,
                        Integer::sum);
            }
        }
        StringBuilder text = new StringBuilder();
        counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).forEach(e -> text
                .append(text.length() == 0 ? "" : ", ").append(e.getValue()).append(" x ").append(e.getKey()));
        return text.toString();
    }

    /** Live threads right now. */
    int liveThreads() {
        return threads.getThreadCount();
    }

    /** Starts a measurement window. */
    Window start() {
        threads.resetPeakThreadCount();
        peakSeen = 0;
        long used = memory.getHeapMemoryUsage().getUsed();
        peakUsed.set(used);
        peakLiveAfterGc.set(0);
        return new Window(os.getProcessCpuTime(), gcCount(), gcMillis(), threads.getThreadCount(), allocatedByThread());
    }

    /** Bytes allocated so far by each live thread. */
    private java.util.Map<Long, Long> allocatedByThread() {
        long[] ids = threads.getAllThreadIds();
        long[] bytes = allocation.getThreadAllocatedBytes(ids);
        java.util.Map<Long, Long> map = new java.util.HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) {
                map.put(ids[i], bytes[i]);
            }
        }
        return map;
    }

    private long gcCount() {
        long n = 0;
        for (GarbageCollectorMXBean gc : collectors) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    private long gcMillis() {
        long n = 0;
        for (GarbageCollectorMXBean gc : collectors) {
            n += Math.max(0, gc.getCollectionTime());
        }
        return n;
    }

    /** The figures of one window. */
    /**
     * @param allocatedBytes bytes allocated during the window by the threads alive at its end (threads that ended
     *                       meanwhile are not counted)
     */
    record Usage(long cpuNanos, long peakHeapBytes, long peakLiveAfterGcBytes, long gcCount, long gcMillis,
                 int threadsAtStart, int peakThreads, String peakThreadNames, long maxHeapBytes,
                 long allocatedBytes) {
    }

    final class Window {
        private final long cpu0;
        private final long gc0;
        private final long gcMs0;
        private final int threads0;
        private final java.util.Map<Long, Long> allocated0;

        Window(long cpu0, long gc0, long gcMs0, int threads0, java.util.Map<Long, Long> allocated0) {
            this.cpu0 = cpu0;
            this.gc0 = gc0;
            this.gcMs0 = gcMs0;
            this.threads0 = threads0;
            this.allocated0 = allocated0;
        }

        Usage stop() {
            long cpu = os.getProcessCpuTime() - cpu0;
            long allocated = 0;
            for (java.util.Map.Entry<Long, Long> thread : allocatedByThread().entrySet()) {
                allocated += thread.getValue() - allocated0.getOrDefault(thread.getKey(), 0L);
            }
            peakUsed.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
            return new Usage(cpu, peakUsed.get(), peakLiveAfterGc.get(), gcCount() - gc0, gcMillis() - gcMs0,
                    threads0, threads.getPeakThreadCount(), peakNames, memory.getHeapMemoryUsage().getMax(), allocated);
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        unsubscribe.forEach(Runnable::run);
    }
}
