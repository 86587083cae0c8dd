package dev.comfykit.emulator.execution;

/** Unchecked signals that end a run early. They carry no stack trace: they are control flow, not errors. */
final class RunSignals {

    private RunSignals() {
    }

    /** The run was interrupted ({@code POST /interrupt}); reported as {@code execution_interrupted}. */
    static final class Interrupted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Interrupted() {
            super(null, null, false, false);
        }
    }

    /** The run was discarded by a restart or shutdown; nothing is reported. */
    static final class Aborted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Aborted() {
            super(null, null, false, false);
        }
    }
}
