package dev.comfykit.camel.observe;

import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ServerStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import org.apache.camel.CamelContext;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The component's Micrometer meters. The only class of the component that names Micrometer: it is loaded only
 * when {@link MetricsBinding} found Micrometer on the class path, so the component runs without it.
 * The meters are documented in the component's "Metrics" section; keep the two in step.
 */
final class MicrometerMetrics implements ActivityListener {

    static final String EXECUTION = "comfykit.execution";
    static final String FAILURES = "comfykit.failures";
    static final String IN_FLIGHT = "comfykit.jobs.in.flight";
    static final String QUEUE_DEPTH = "comfykit.queue.depth";
    static final String UPLOAD_BYTES = "comfykit.upload.bytes";
    static final String DOWNLOAD_BYTES = "comfykit.download.bytes";
    static final String REDISPATCHES = "comfykit.redispatches";

    private final MeterRegistry registry;
    private final ComfyKitActivity activity;
    private final List<Meter> componentMeters = new ArrayList<>();
    /** The queue depth gauges, by server name. */
    private final Map<String, Gauge> queueGauges = new ConcurrentHashMap<>();

    private MicrometerMetrics(MeterRegistry registry, ComfyKitActivity activity) {
        this.registry = registry;
        this.activity = activity;
        componentMeters.add(Gauge.builder(IN_FLIGHT, activity, ComfyKitActivity::inFlight)
                .description("Executions and waits of comfykit producers in flight").register(registry));
        componentMeters.add(FunctionCounter.builder(REDISPATCHES, activity, ComfyKitActivity::resubmissions)
                .description("Prompts run again on another server of a pool after a failure before running")
                .register(registry));
    }

    /**
     * The meters of a component, or {@code null} when the Camel registry holds no {@link MeterRegistry} (or several
     * and not exactly one composite of them). Declared to return the listener type so that the caller's class never needs this one.
     */
    static ActivityListener bind(CamelContext context, ComfyKitActivity activity) {
        MeterRegistry registry = lookup(context);
        return registry == null ? null : new MicrometerMetrics(registry, activity);
    }

    private static MeterRegistry lookup(CamelContext context) {
        // camel-micrometer's conventional name first, then the only one of its type (Spring Boot's)
        MeterRegistry named = context.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        if (named != null) {
            return named;
        }
        Set<MeterRegistry> found = context.getRegistry().findByType(MeterRegistry.class);
        if (found.size() == 1) {
            return found.iterator().next();
        }
        // Spring Boot with several registries (e.g. Prometheus and another) adds a composite of them all, its primary
        List<MeterRegistry> composites = found.stream().filter(CompositeMeterRegistry.class::isInstance).toList();
        return composites.size() == 1 ? composites.get(0) : null;
    }

    @Override
    public void finished(Execution execution) {
        String server = tag(execution.server());
        Timer.builder(EXECUTION)
                .description("ComfyUI executions (execute) and waits (await) by comfykit producers, until the result")
                .tags(Tags.of("operation", execution.operation(), "outcome", execution.outcome(),
                        "error", execution.errorKind(), "workflow", tag(execution.workflow()), "server", server))
                .register(registry).record(execution.nanos(), TimeUnit.NANOSECONDS);
        if (execution.isFailure()) {
            Counter.builder(FAILURES).description("Executions and waits that did not complete, by why")
                    .tags("error", execution.errorKind(), "server", server).register(registry).increment();
        }
    }

    @Override
    public void clientAttached(ComfyKit client) {
        for (ServerStatus status : client.servers()) {
            queueGauges.computeIfAbsent(status.name(), name -> Gauge.builder(QUEUE_DEPTH, activity,
                            a -> queueDepth(a, name))
                    .description("Prompts running or queued on a ComfyUI server, as last read (NaN when not known)")
                    .tag("server", name).register(registry));
        }
    }

    private static double queueDepth(ComfyKitActivity activity, String server) {
        ServerStatus status = activity.server(server);
        return status == null || status.queueDepth() == null ? Double.NaN : status.queueDepth();
    }

    @Override
    public void clientDetached(ComfyKit client) {
        Set<String> inUse = new HashSet<>();
        activity.attachedClients().forEach(c -> c.servers().forEach(s -> inUse.add(s.name())));
        queueGauges.keySet().removeIf(name -> {
            if (inUse.contains(name)) {
                return false;
            }
            registry.remove(queueGauges.get(name));
            return true;
        });
    }

    @Override
    public void transferred(String server, boolean upload, long bytes) {
        Counter.builder(upload ? UPLOAD_BYTES : DOWNLOAD_BYTES)
                .description(upload ? "Media bytes uploaded to ComfyUI servers (media params)"
                        : "Output bytes downloaded from ComfyUI servers")
                .baseUnit("bytes").tag("server", tag(server)).register(registry).increment(bytes);
    }

    @Override
    public void close() {
        componentMeters.forEach(registry::remove);
        queueGauges.values().forEach(registry::remove);
        queueGauges.clear();
    }

    private static String tag(String value) {
        return value == null ? Names.UNKNOWN : value;
    }
}
