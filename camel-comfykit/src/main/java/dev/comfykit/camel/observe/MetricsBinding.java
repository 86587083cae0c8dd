package dev.comfykit.camel.observe;

import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the component's metrics on when Micrometer is on the class path and the Camel registry holds a
 * {@code MeterRegistry} (camel-micrometer's {@code metricsRegistry}, or the only one, e.g. Spring Boot's). Micrometer
 * is an optional dependency: this class checks for it by name before {@link MicrometerMetrics}, the only class that
 * uses it, is ever loaded.
 */
public final class MetricsBinding {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsBinding.class);
    private static final String METER_REGISTRY = "io.micrometer.core.instrument.MeterRegistry";

    private MetricsBinding() {
    }

    /**
     * Registers the component's meters.
     *
     * @return the listener to add to the activity, or {@code null} when there is no Micrometer or no registry
     */
    public static ActivityListener bind(CamelContext context, ComfyKitActivity activity) {
        if (!micrometerPresent(context)) {
            LOG.debug("Micrometer is not on the class path: no comfykit meters");
            return null;
        }
        ActivityListener metrics = MicrometerMetrics.bind(context, activity);
        if (metrics == null) {
            LOG.debug("No (single) MeterRegistry in the Camel registry: no comfykit meters");
        } else {
            LOG.info("comfykit meters registered in the application's MeterRegistry");
        }
        return metrics;
    }

    static boolean micrometerPresent(CamelContext context) {
        try {
            Class.forName(METER_REGISTRY, false, MetricsBinding.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
