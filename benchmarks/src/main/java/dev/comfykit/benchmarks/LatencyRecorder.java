package dev.comfykit.benchmarks;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every latency of a run, in nanoseconds, in a preallocated array (no allocation per sample, safe from any
 * thread); percentiles are computed exactly from the sorted samples (nearest rank).
 */
final class LatencyRecorder {

    private final long[] samples;
    private final AtomicInteger count = new AtomicInteger();

    LatencyRecorder(int capacity) {
        this.samples = new long[capacity];
    }

    void record(long nanos) {
        int i = count.getAndIncrement();
        if (i < samples.length) {
            samples[i] = nanos;
        }
    }

    int count() {
        return Math.min(count.get(), samples.length);
    }

    /** A sorted copy of the samples; read after the run (the latch that ends it orders the writes). */
    Snapshot snapshot() {
        long[] sorted = Arrays.copyOf(samples, count());
        Arrays.sort(sorted);
        return new Snapshot(sorted);
    }

    static final class Snapshot {
        private final long[] sorted;

        Snapshot(long[] sorted) {
            this.sorted = sorted;
        }

        int count() {
            return sorted.length;
        }

        /** The nearest-rank percentile in milliseconds, NaN without samples. */
        double percentileMillis(double percentile) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
        }

        double minMillis() {
            return sorted.length == 0 ? Double.NaN : sorted[0] / 1e6;
        }

        double maxMillis() {
            return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6;
        }

        double meanMillis() {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            double sum = 0;
            for (long v : sorted) {
                sum += v;
            }
            return sum / sorted.length / 1e6;
        }
    }
}
