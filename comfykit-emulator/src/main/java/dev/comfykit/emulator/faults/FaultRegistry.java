package dev.comfykit.emulator.faults;

import dev.comfykit.emulator.EmulatorFaults;
import dev.comfykit.emulator.execution.FailureInjector;
import dev.comfykit.emulator.execution.StallGate;
import dev.comfykit.emulator.nodes.NodeFailure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** The faults in force, consulted by the HTTP layer for every request and by the engine for every node. */
public final class FaultRegistry implements EmulatorFaults, FailureInjector {

    /** What to do with one request. */
    public record Decision(int status, String body, long delayMillis) {
        static final Decision PASS = new Decision(0, null, 0);

        public boolean fails() {
            return status > 0;
        }
    }

    private record RouteFault(String method, String path, AtomicInteger remaining, int status, String body, Duration delay) {
    }

    private final List<RouteFault> routeFaults = new CopyOnWriteArrayList<>();
    private final Map<String, NodeFailure> nodeFailures = new ConcurrentHashMap<>();
    private final List<Runnable> clearHooks = new CopyOnWriteArrayList<>();
    private final SocketControl sockets;
    private final StallGate stall;
    private final Runnable restart;
    private volatile Duration slowHistory = Duration.ZERO;
    private volatile Duration slowView = Duration.ZERO;
    private final java.util.concurrent.atomic.AtomicLong dropViewAfter = new java.util.concurrent.atomic.AtomicLong(-1);

    public FaultRegistry(SocketControl sockets, StallGate stall, Runnable restart) {
        this.sockets = sockets;
        this.stall = stall;
        this.restart = restart;
    }

    @Override
    public EmulatorFaults failNext(String method, String path, int times, int status) {
        return failNext(method, path, times, status, null);
    }

    @Override
    public EmulatorFaults failNext(String method, String path, int times, int status, String body) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("not an HTTP status: " + status);
        }
        routeFaults.add(new RouteFault(method, normalize(path), new AtomicInteger(times), status, body, null));
        return this;
    }

    @Override
    public EmulatorFaults delayNext(String method, String path, int times, Duration delay) {
        routeFaults.add(new RouteFault(method, normalize(path), new AtomicInteger(times), 0, null, delay));
        return this;
    }

    @Override
    public EmulatorFaults slowHistory(Duration delay) {
        slowHistory = delay;
        return this;
    }

    @Override
    public EmulatorFaults slowView(Duration delay) {
        slowView = delay;
        return this;
    }

    @Override
    public EmulatorFaults dropViewAfter(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must not be negative");
        }
        dropViewAfter.set(bytes);
        return this;
    }

    /** The byte count after which the next {@code /view} response is cut (once), or -1 to send it whole. */
    public long takeViewDrop() {
        return dropViewAfter.getAndSet(-1);
    }

    @Override
    public EmulatorFaults dropWebSockets() {
        sockets.dropAll();
        return this;
    }

    @Override
    public EmulatorFaults dropWebSocketsAfterEvents(int events) {
        if (events < 1) {
            throw new IllegalArgumentException("events must be at least 1");
        }
        sockets.dropAfterEvents(events);
        return this;
    }

    @Override
    public EmulatorFaults failNode(String classType, String exceptionType, String message) {
        nodeFailures.put(classType, new NodeFailure(exceptionType, message));
        return this;
    }

    @Override
    public EmulatorFaults stallExecution() {
        stall.stall();
        return this;
    }

    @Override
    public EmulatorFaults releaseStall() {
        stall.release();
        return this;
    }

    @Override
    public void restart() {
        restart.run();
    }

    /** Registers faults kept elsewhere (the RunningHub emulation's) that {@link #clear()} removes too. */
    public void onClear(Runnable hook) {
        clearHooks.add(hook);
    }

    @Override
    public void clear() {
        clearHooks.forEach(Runnable::run);
        routeFaults.clear();
        nodeFailures.clear();
        slowHistory = Duration.ZERO;
        slowView = Duration.ZERO;
        dropViewAfter.set(-1);
        sockets.dropAfterEvents(0);
        stall.release();
    }

    @Override
    public NodeFailure failureFor(String classType) {
        return nodeFailures.get(classType);
    }

    /** The fault for one request; uses up one of a limited fault's requests. */
    public Decision decide(String method, String rawPath) {
        String path = normalize(rawPath);
        long delay = 0;
        if (path.equals("/history") || path.startsWith("/history/")) {
            delay += slowHistory.toMillis();
        }
        if (path.equals("/view")) {
            delay += slowView.toMillis();
        }
        for (RouteFault f : routeFaults) {
            if (!matches(f, method, path)) {
                continue;
            }
            if (f.remaining().getAndUpdate(n -> n > 0 ? n - 1 : 0) <= 0) {
                continue;
            }
            if (f.delay() != null) {
                delay += f.delay().toMillis();
                continue;
            }
            return new Decision(f.status(), f.body(), delay);
        }
        return delay == 0 ? Decision.PASS : new Decision(0, null, delay);
    }

    private static boolean matches(RouteFault f, String method, String path) {
        if (!f.method().equals("*") && !f.method().equalsIgnoreCase(method)) {
            return false;
        }
        if (f.path().endsWith("*")) {
            return path.startsWith(f.path().substring(0, f.path().length() - 1));
        }
        return f.path().equals(path);
    }

    /** {@code /api/x} and {@code /x} are the same route. */
    static String normalize(String path) {
        if (path.startsWith("/api/")) {
            return path.substring(4);
        }
        return path.equals("/api") ? "/" : path;
    }
}
