package dev.comfykit.emulator.runninghub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * How a task ended: with its output files (SUCCESS), or with the {@code failedReason} of its 805 answer (FAILED:
 * an execution error, an interrupt, a cancel, or a lost prompt).
 *
 * @param costSeconds {@code taskCostTime}: the run's duration in whole seconds, as text
 * @param coins       {@code consumeCoins}, as text
 * @param cancelled   whether a cancel through the API ended it
 */
record Outcome(boolean success, List<OutputFile> files, ObjectNode failedReason, String costSeconds, String coins,
               boolean cancelled) {

    static Outcome succeeded(List<OutputFile> files, long costMillis) {
        return new Outcome(true, List.copyOf(files), null, String.valueOf(Math.round(costMillis / 1000.0)),
                String.valueOf(coinsFor(costMillis)), false);
    }

    static Outcome failed(ObjectNode failedReason, long costMillis) {
        return new Outcome(false, List.of(), failedReason, String.valueOf(Math.round(costMillis / 1000.0)), "0",
                false);
    }

    /** Cancelled through the API: v1 reports it FAILED, v2 CANCEL. */
    static Outcome cancelled(ObjectNode failedReason, long costMillis) {
        return new Outcome(false, List.of(), failedReason, String.valueOf(Math.round(costMillis / 1000.0)), "0",
                true);
    }

    /** One coin per started second of running, at least one. */
    static long coinsFor(long costMillis) {
        return Math.max(1, (costMillis + 999) / 1000);
    }

    OutputFile file(String name) {
        for (OutputFile file : files) {
            if (file.name().equals(name)) {
                return file;
            }
        }
        return null;
    }
}
