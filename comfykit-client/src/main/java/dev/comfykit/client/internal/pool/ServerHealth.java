package dev.comfykit.client.internal.pool;

import java.util.function.IntConsumer;

/**
 * The health of one ComfyUI server as dispatch sees it: whether new prompts may go there, and a way to hear at once
 * when it goes down (so that prompts waiting there fail or move in seconds, not at their time limit).
 */
public interface ServerHealth {

    /** What dispatch knows of a server. */
    enum State {
        /** Answering; prompts may go there. */
        UP,
        /** Answering with errors or slowly; prompts go there only when no server is up. */
        DEGRADED,
        /** Not answering (refused, socket lost and probe failed, circuit open); no prompt goes there. */
        DOWN
    }

    State state();

    /** Whether a new prompt may be sent to the server now. */
    default boolean allowsDispatch() {
        return state() != State.DOWN;
    }

    /** A request to the server succeeded. */
    void recordSuccess();

    /** A request to the server failed (connection refused, timeout, 5xx...). */
    void recordFailure(Throwable cause);

    /** The server's queue (running plus pending prompts) as a request just read it; kept for status reports. */
    default void recordQueueDepth(int depth) {
    }

    /**
     * Calls the listener with each queue depth recorded (from a {@code status} event's {@code queue_remaining}, a
     * {@code /queue} read or a probe), so that dispatch sees the server's live queue without asking for it.
     */
    default void onQueueDepth(IntConsumer listener) {
    }

    /** The last failure's description, or {@code null}. */
    String lastError();

    /** Calls the listener each time the server goes down (on the thread that noticed it). */
    void onDown(Runnable listener);

    /**
     * Calls the listener each time the server is up again after a failure (a WebSocket that reconnected, a server that
     * answers again after a restart): what it offers may have changed.
     */
    default void onBackUp(Runnable listener) {
    }

    /** A server nobody watches: always up (the behaviour before health tracking). */
    static ServerHealth alwaysUp() {
        return new ServerHealth() {
            @Override
            public State state() {
                return State.UP;
            }

            @Override
            public void recordSuccess() {
            }

            @Override
            public void recordFailure(Throwable cause) {
            }

            @Override
            public String lastError() {
                return null;
            }

            @Override
            public void onDown(Runnable listener) {
            }
        };
    }
}
