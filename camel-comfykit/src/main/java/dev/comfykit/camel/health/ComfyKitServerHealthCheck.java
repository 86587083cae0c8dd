package dev.comfykit.camel.health;

import dev.comfykit.client.ServerStatus;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Readiness of one ComfyUI server behind a {@code comfykit:} producer, as the client sees it: what its requests and
 * probes found ({@link ServerStatus}), without a request of its own. {@code DOWN} (Camel's down) when the client
 * holds the server down (failures in a row, a lost socket whose probes failed), with the last error; {@code UP}
 * otherwise, the details telling {@code UP} from {@code DEGRADED}.
 */
public class ComfyKitServerHealthCheck extends AbstractHealthCheck {

    private final Supplier<ServerStatus> status;

    /**
     * @param id     the check's id (without credentials)
     * @param status the server's current status, read at each call
     */
    public ComfyKitServerHealthCheck(String id, Supplier<ServerStatus> status) {
        super("camel", id);
        this.status = status;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        ServerStatus server = status.get();
        if (server == null) {
            builder.unknown().message("the server is no longer used by this endpoint's client");
            return;
        }
        builder.detail("comfyui.url", server.url());
        builder.detail("comfyui.name", server.name());
        builder.detail("comfyui.state", server.state().name());
        if (server.queueDepth() != null) {
            builder.detail("comfyui.queueDepth", server.queueDepth());
        }
        if (server.lastError() != null) {
            builder.detail("comfyui.lastError", server.lastError());
        }
        if (server.state() == ServerStatus.State.DOWN) {
            builder.down().message("ComfyUI at " + server.url() + " is DOWN: "
                    + (server.lastError() == null ? "it does not answer" : server.lastError()));
        } else {
            builder.up();
        }
    }
}
