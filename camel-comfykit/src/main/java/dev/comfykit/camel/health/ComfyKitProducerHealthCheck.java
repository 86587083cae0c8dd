package dev.comfykit.camel.health;

import dev.comfykit.camel.ComfyKitEndpoint;
import dev.comfykit.client.FailureCauses;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.apache.camel.util.URISupport;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Readiness of a {@code comfykit:} producer: the ComfyUI server answers {@code /system_stats}, or, for a RunningHub
 * workflow, RunningHub accepts the key ({@code accountStatus}, which also tells a key of the other site). The check
 * id is built from the sanitized endpoint URI, so credentials never appear in health output.
 */
public class ComfyKitProducerHealthCheck extends AbstractHealthCheck {

    private final ComfyKitEndpoint endpoint;

    public ComfyKitProducerHealthCheck(ComfyKitEndpoint endpoint) {
        super("camel", "producer:comfykit-" + id(endpoint.getEndpointUri()));
        this.endpoint = endpoint;
    }

    /**
     * The sanitized URI; when it masked something, a short digest of the whole URI keeps apart endpoints that differ
     * only in their secrets (32 bits of a SHA-256 say nothing usable about a key).
     */
    public static String id(String uri) {
        String sanitized = URISupport.sanitizeUri(uri);
        if (sanitized.equals(uri)) {
            return sanitized;
        }
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(uri.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return sanitized + "#" + java.util.HexFormat.of().formatHex(digest, 0, 4);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (endpoint.isRunningHub()) {
            checkRunningHub(builder);
            return;
        }
        String url = endpoint.getServiceUrl();
        builder.detail("comfyui.url", url);
        try {
            Map<String, Object> stats = endpoint.getClient().systemStats()
                    .get(endpoint.getConfiguration().getRequestTimeout(), TimeUnit.MILLISECONDS);
            Object system = stats.get("system");
            if (system instanceof Map && ((Map<?, ?>) system).get("comfyui_version") != null) {
                builder.detail("comfyui.version", ((Map<?, ?>) system).get("comfyui_version"));
            }
            builder.up();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            builder.down().message("interrupted");
        } catch (Exception e) {
            builder.down().message("ComfyUI at " + url + " does not answer: " + FailureCauses.describe(e));
        }
    }

    private void checkRunningHub(HealthCheckResultBuilder builder) {
        String url = endpoint.getServiceUrl();
        builder.detail("runninghub.url", url);
        try {
            Map<String, Object> account = endpoint.getClient().runningHubAccountStatus()
                    .get(endpoint.getConfiguration().getRequestTimeout() * 2, TimeUnit.MILLISECONDS);
            Object apiType = account.get("apiType");
            if (apiType != null) {
                builder.detail("runninghub.apiType", apiType);
            }
            builder.up();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            builder.down().message("interrupted");
        } catch (Exception e) {
            builder.down().message("RunningHub at " + url + " does not accept the key: "
                    + FailureCauses.unwrap(e).getMessage());
        }
    }
}
