package dev.comfykit.emulator;

import java.time.Duration;

/**
 * Faults for reliability tests. Every fault stays until it is used up or {@link #clear()} is called; the JUnit
 * extension clears them after each test, so a fault is scoped to the test that sets it.
 * <p>
 * Routes are given as method and path; the path matches with or without the {@code /api} prefix, and a trailing
 * {@code *} matches any rest ({@code "/history/*"}). The method may be {@code "*"} for any.
 */
public interface EmulatorFaults {

    /** Answers the next {@code times} requests of a route with {@code status} and an empty body. */
    EmulatorFaults failNext(String method, String path, int times, int status);

    /** Answers the next {@code times} requests of a route with {@code status} and the given text body. */
    EmulatorFaults failNext(String method, String path, int times, int status, String body);

    /** Holds the next {@code times} requests of a route for {@code delay} before they are handled normally. */
    EmulatorFaults delayNext(String method, String path, int times, Duration delay);

    /** Makes every {@code /history} request (list, single entry, delete) take {@code delay} longer. */
    EmulatorFaults slowHistory(Duration delay);

    /** Makes every {@code /view} request take {@code delay} longer. */
    EmulatorFaults slowView(Duration delay);

    /**
     * Cuts the next {@code /view} file response after {@code bytes} bytes of its body by closing the connection
     * (headers announce the full length), as a dropped download; the one after is whole again.
     */
    EmulatorFaults dropViewAfter(long bytes);

    /** Drops every open WebSocket connection now, without a close frame (like a network failure). */
    EmulatorFaults dropWebSockets();

    /**
     * Drops every open WebSocket connection right after the {@code events}-th event sent from now on (counted over
     * all sockets; the {@code events}-th is still delivered). Happens once.
     */
    EmulatorFaults dropWebSocketsAfterEvents(int events);

    /**
     * Makes every node of {@code classType} fail at run time with an {@code execution_error} carrying the given
     * Python exception type and message (for example {@code "RuntimeError"}, {@code "CUDA out of memory"}).
     */
    EmulatorFaults failNode(String classType, String exceptionType, String message);

    /**
     * Stalls execution: running prompts stop at their next checkpoint (before a node, at a sampler step) until
     * {@link #releaseStall()}, {@link #clear()} or an interrupt, which still ends the prompt.
     */
    EmulatorFaults stallExecution();

    /** Lets stalled prompts continue. */
    EmulatorFaults releaseStall();

    /**
     * Simulates a server restart: pending and running prompts, history, the number counter and the output cache
     * are gone, every WebSocket is dropped and the temp folder is emptied; input and output files stay. The port
     * stays open, as if the server came back at once.
     */
    void restart();

    /** Removes every fault, also the RunningHub emulation's ({@code failNextCreates}, {@code maxConcurrentTasks}), and releases a stall. */
    void clear();
}
