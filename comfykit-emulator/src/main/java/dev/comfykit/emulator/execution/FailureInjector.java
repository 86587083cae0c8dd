package dev.comfykit.emulator.execution;

import dev.comfykit.emulator.nodes.NodeFailure;

/** Lets tests make a node class fail at run time (the faults API). */
@FunctionalInterface
public interface FailureInjector {

    /** The failure a node of this class should raise now, or null to let it run. */
    NodeFailure failureFor(String classType);

    FailureInjector NONE = classType -> null;
}
