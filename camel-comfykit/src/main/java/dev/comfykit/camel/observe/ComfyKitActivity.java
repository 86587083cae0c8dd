package dev.comfykit.camel.observe;

import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.FailureCauses;
import dev.comfykit.client.ServerStatus;
import dev.comfykit.client.spi.TransferListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What one {@code comfykit} component is doing, without any metrics library: the clients its endpoints use, the
 * executions in flight and the last errors. Metrics ({@link ActivityListener}, e.g. Micrometer's) and the
 * {@code comfykit} dev console read it; the producers report to it. Thread-safe.
 */
public final class ComfyKitActivity {

    /** How many errors the dev console keeps. */
    public static final int RECENT_ERRORS = 20;

    private static final Logger LOG = LoggerFactory.getLogger(ComfyKitActivity.class);

    private final AtomicInteger inFlight = new AtomicInteger();
    private final Deque<RecentError> recentErrors = new ArrayDeque<>();
    private final Map<ComfyKit, Attached> clients = new IdentityHashMap<>();
    private final List<ActivityListener> listeners = new CopyOnWriteArrayList<>();
    /** Re-dispatches of clients no endpoint uses any more, so that the total never goes down. */
    private long retiredResubmissions;

    /** An error as the dev console lists it. */
    public record RecentError(Instant at, String operation, String workflow, String server, String promptId,
                              String kind, String message) {
    }

    private final class Attached implements TransferListener {
        final ComfyKit client;
        int users;

        Attached(ComfyKit client) {
            this.client = client;
        }

        @Override
        public void uploaded(String serverUrl, long bytes) {
            transferred(serverName(client, serverUrl), true, bytes);
        }

        @Override
        public void downloaded(String serverUrl, long bytes) {
            transferred(serverName(client, serverUrl), false, bytes);
        }
    }

    /** Adds a listener (metrics); it is told of clients already in use at once. */
    public void addListener(ActivityListener listener) {
        listeners.add(listener);
        attachedClients().forEach(listener::clientAttached);
    }

    /** Removes a listener and closes it. */
    public void removeListener(ActivityListener listener) {
        if (listeners.remove(listener)) {
            listener.close();
        }
    }

    /** An endpoint starts using a client. */
    public void attach(ComfyKit client) {
        Attached attached;
        synchronized (this) {
            attached = clients.computeIfAbsent(client, Attached::new);
            if (attached.users++ > 0) {
                return;
            }
        }
        client.addTransferListener(attached);
        notify(listener -> listener.clientAttached(client));
    }

    /** An endpoint stops using a client. */
    public void detach(ComfyKit client) {
        Attached attached;
        synchronized (this) {
            attached = clients.get(client);
            if (attached == null || --attached.users > 0) {
                return;
            }
            clients.remove(client);
            retiredResubmissions += client.resubmissions();
        }
        client.removeTransferListener(attached);
        notify(listener -> listener.clientDetached(client));
    }

    /** The clients the component's started endpoints use. */
    public synchronized List<ComfyKit> attachedClients() {
        return new ArrayList<>(clients.keySet());
    }

    /**
     * Counts an execution (or wait) as in flight until its future completes, then reports it to the listeners and,
     * when it did not complete, keeps it among the recent errors.
     *
     * @param server the server's name once the result is known ({@link Names#server}); may answer {@code null}
     */
    public <T> CompletableFuture<T> track(String operation, String workflow, long startNanos,
                                          CompletableFuture<T> work,
                                          Function<ExecuteResult, String> server) {
        inFlight.incrementAndGet();
        return work.whenComplete((value, error) -> {
            inFlight.decrementAndGet();
            ExecuteResult result = value instanceof ExecuteResult r ? r
                    : null;
            Throwable cause = error == null ? null : FailureCauses.unwrap(error);
            Execution execution = new Execution(operation, workflow, server.apply(result), result, cause,
                    System.nanoTime() - startNanos);
            finished(execution);
        });
    }

    void finished(Execution execution) {
        if (execution.isFailure()) {
            RecentError error = new RecentError(Instant.now(), execution.operation(), execution.workflow(),
                    execution.server(), execution.promptId(), execution.errorKind(), execution.message());
            synchronized (recentErrors) {
                if (recentErrors.size() == RECENT_ERRORS) {
                    recentErrors.removeFirst();
                }
                recentErrors.addLast(error);
            }
        }
        notify(listener -> listener.finished(execution));
    }

    private void transferred(String server, boolean upload, long bytes) {
        notify(listener -> listener.transferred(server, upload, bytes));
    }

    /** Executions and waits of this component in flight now. */
    public int inFlight() {
        return inFlight.get();
    }

    /** The last errors, oldest first (at most {@value #RECENT_ERRORS}). */
    public List<RecentError> recentErrors() {
        synchronized (recentErrors) {
            return new ArrayList<>(recentErrors);
        }
    }

    /** Prompts run again on another server of a pool, by every client the component used since it started. */
    public synchronized long resubmissions() {
        long total = retiredResubmissions;
        for (ComfyKit client : clients.keySet()) {
            total += client.resubmissions();
        }
        return total;
    }

    /** A server of the attached clients by name, or {@code null} when none has it (any more). */
    public ServerStatus server(String name) {
        for (ComfyKit client : attachedClients()) {
            for (ServerStatus status : client.servers()) {
                if (status.name().equals(name)) {
                    return status;
                }
            }
        }
        return null;
    }

    /** The name of a client's server given by its URL (its URL when the client does not list it). */
    static String serverName(ComfyKit client, String serverUrl) {
        for (ServerStatus status : client.servers()) {
            if (sameUrl(status.url(), serverUrl)) {
                return status.name();
            }
        }
        return serverUrl;
    }

    private static boolean sameUrl(String a, String b) {
        return strip(a).equals(strip(b));
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private void notify(Consumer<ActivityListener> event) {
        for (ActivityListener listener : listeners) {
            try {
                event.accept(listener);
            } catch (RuntimeException e) {
                LOG.warn("ComfyKit activity listener {} failed; ignored", listener, e);
            }
        }
    }

    /** Closes the listeners (the component stops). */
    public void close() {
        listeners.forEach(ActivityListener::close);
        listeners.clear();
    }
}
