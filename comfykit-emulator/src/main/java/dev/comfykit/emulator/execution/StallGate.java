package dev.comfykit.emulator.execution;

/**
 * Holds running prompts at their next checkpoint (between nodes, at a sampler step) while closed: the "stall"
 * fault. Interrupts still end a held prompt.
 */
public final class StallGate {

    private final Object signals = new Object();
    private volatile boolean stalled;

    /** The monitor that waiting runs sleep on; interrupts and a release wake it. */
    Object signals() {
        return signals;
    }

    public boolean stalled() {
        return stalled;
    }

    public void stall() {
        stalled = true;
    }

    public void release() {
        stalled = false;
        synchronized (signals) {
            signals.notifyAll();
        }
    }
}
