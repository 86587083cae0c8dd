package dev.comfykit.emulator.execution;

import java.time.Duration;

/**
 * The interrupt flag of one running prompt and the waits that honour it. Like ComfyUI, an interrupt is seen at
 * checkpoints only (before a node, at a progress update): a wait ends early but does not itself raise.
 */
final class RunControl {

    private final Object signals;
    private final StallGate gate;
    private volatile boolean interrupted;
    private volatile boolean aborted;

    RunControl(Object signals, StallGate gate) {
        this.signals = signals;
        this.gate = gate;
    }

    void interrupt() {
        interrupted = true;
        wake();
    }

    void abort() {
        aborted = true;
        wake();
    }

    boolean aborted() {
        return aborted;
    }

    private void wake() {
        synchronized (signals) {
            signals.notifyAll();
        }
    }

    /** Waits while stalled, then raises if interrupted (clearing the flag, as ComfyUI does) or aborted. */
    void checkpoint() {
        if (gate.stalled()) {
            synchronized (signals) {
                while (gate.stalled() && !interrupted && !aborted) {
                    waitOn(0);
                }
            }
        }
        if (aborted) {
            throw new RunSignals.Aborted();
        }
        if (interrupted) {
            interrupted = false;
            throw new RunSignals.Interrupted();
        }
    }

    void sleep(Duration duration) {
        long nanos = duration.toNanos();
        if (nanos <= 0) {
            return;
        }
        long deadline = System.nanoTime() + nanos;
        synchronized (signals) {
            long left;
            while (!interrupted && !aborted && (left = deadline - System.nanoTime()) > 0) {
                waitOn(Math.max(1, left / 1_000_000));
            }
        }
    }

    private void waitOn(long millis) {
        try {
            signals.wait(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            aborted = true;
        }
    }
}
