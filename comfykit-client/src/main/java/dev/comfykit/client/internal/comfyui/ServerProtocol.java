package dev.comfykit.client.internal.comfyui;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;

/**
 * What one ComfyUI server's protocol offers beyond the captured v0.3.65 one, found out once per connection and
 * again after the server was down or its socket reconnected ({@link #reset()}): a restarted server may be a newer or
 * older version.
 * <ul>
 *   <li>the jobs API ({@code GET /api/jobs}, {@code /api/jobs/{id}}; ComfyUI 0.5.1+): asked with one
 *       {@code GET /api/jobs?limit=1} the first time a prompt's state is needed;</li>
 *   <li>{@code POST /api/jobs/{id}/cancel} (ComfyUI 0.33+): tried on the first cancel of a server that has the jobs
 *       API, and remembered as absent when the server answers 404 or 405.</li>
 * </ul>
 * Until the answer is known, and when the question fails (no connection), the older protocol is used, which every
 * version understands; the question is then asked again next time.
 */
public final class ServerProtocol {

    private static final Logger LOG = LoggerFactory.getLogger(ServerProtocol.class);

    private final ComfyUiApi api;
    private final Object lock = new Object();
    private CompletableFuture<Boolean> jobs;
    private volatile Boolean cancelEndpoint;
    private volatile int detections;

    ServerProtocol(ComfyUiApi api) {
        this.api = api;
    }

    /**
     * Whether the server has the jobs API; asks the server the first time (and after {@link #reset()}). Never fails:
     * a failed question counts as {@code false} now and is asked again next time.
     */
    public CompletableFuture<Boolean> jobsApi() {
        CompletableFuture<Boolean> asked;
        synchronized (lock) {
            if (jobs != null) {
                return jobs;
            }
            asked = new CompletableFuture<>();
            jobs = asked;
        }
        detections++;
        api.hasJobsApi().whenComplete((supported, error) -> {
            if (error != null) {
                LOG.debug("could not ask {} for the jobs API, asking again later: {}", api.transport().baseUrl(),
                        error.toString());
                synchronized (lock) {
                    if (jobs == asked) {
                        jobs = null;
                    }
                }
                asked.complete(false);
                return;
            }
            LOG.debug("ComfyUI at {} {} the jobs API", api.transport().baseUrl(), supported ? "has" : "lacks");
            asked.complete(supported);
        });
        return asked;
    }

    /** Whether {@code POST /api/jobs/{id}/cancel} may exist (not yet refused by this server). */
    public boolean mayHaveCancelEndpoint() {
        return !Boolean.FALSE.equals(cancelEndpoint);
    }

    /** The server answered the cancel endpoint: it exists. */
    public void cancelEndpointAnswered() {
        cancelEndpoint = true;
    }

    /** The server answered the cancel endpoint with 404 or 405: it has the jobs API but not this endpoint. */
    public void cancelEndpointMissing() {
        LOG.debug("ComfyUI at {} lacks POST /api/jobs/{{id}}/cancel; cancelling by queue delete and targeted"
                + " interrupt", api.transport().baseUrl());
        cancelEndpoint = false;
    }

    /** Forgets what was found out: the next use asks again (the server restarted, or the connection was renewed). */
    public void reset() {
        synchronized (lock) {
            CompletableFuture<Boolean> current = jobs;
            // a question under way stays: its answer is about the server as it is now
            if (current != null && current.isDone()) {
                jobs = null;
            }
        }
        cancelEndpoint = null;
    }

    /** How many times the jobs API was asked about (tests). */
    public int detections() {
        return detections;
    }
}
