package dev.comfykit.camel;

import dev.comfykit.camel.observe.ActivityListener;
import dev.comfykit.camel.observe.ComfyKitActivity;
import dev.comfykit.camel.observe.MetricsBinding;
import dev.comfykit.camel.support.EndpointPath;
import dev.comfykit.camel.support.OptionValues;
import dev.comfykit.camel.support.SharedClients;
import dev.comfykit.camel.support.WebhookRoutes;
import dev.comfykit.client.ComfyKit;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.HealthCheckComponent;
import org.apache.camel.util.PropertiesHelper;

import java.util.Map;

/**
 * The {@code comfykit:} component: runs ComfyUI workflows from Camel routes.
 * <p>
 * Clients: the component's {@code comfyKit} option (set, or autowired from a single {@code ComfyKit} bean of the
 * registry) serves every endpoint whose URI sets no connection option; an endpoint whose URI sets one gets a client
 * built from the component's options and its own, shared with the endpoints of equal options. The component closes
 * only the clients it built.
 */
@Component("comfykit")
public class ComfyKitComponent extends HealthCheckComponent {

    @Metadata
    private ComfyKitConfiguration configuration = new ComfyKitConfiguration();

    private final SharedClients clients = new SharedClients();
    private final ComfyKitActivity activity = new ComfyKitActivity();
    private final WebhookRoutes webhookRoutes = new WebhookRoutes();
    private ActivityListener metrics;

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        try {
            OptionValues.check(parameters);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("comfykit endpoint " + uri + ": " + e.getMessage(), e);
        }
        ComfyKitConfiguration endpointConfiguration = configuration != null ? configuration.copy()
                : new ComfyKitConfiguration();
        endpointConfiguration.getParam().putAll(PropertiesHelper.extractProperties(parameters, "param."));
        endpointConfiguration.getDefaultParam().putAll(PropertiesHelper.extractProperties(parameters,
                "defaultParam."));
        EndpointPath path = EndpointPath.parse(remaining, option(parameters, "operation"));
        if (path.operation() != null) {
            endpointConfiguration.setOperation(path.operation());
        }
        // an endpoint with connection options of its own gets a client built from them, not the component's
        boolean ownClient = parameters.keySet().stream().anyMatch(name -> ComfyKitClients.isClientOption(name)
                || ComfyKitClients.sameOptionName(name, "jobStore")) && option(parameters, "comfyKit") == null;
        if (ownClient) {
            ComfyKit componentClient = endpointConfiguration.getComfyKit();
            if (componentClient != null) {
                // the URI changes some options of the client the component uses (explicit or autowired)
                ComfyKitClients.copyOptions(getCamelContext(), componentClient.config(), endpointConfiguration);
            }
            endpointConfiguration.setComfyKit(null);
        }
        ComfyKitEndpoint endpoint = new ComfyKitEndpoint(uri, this, path.workflow(), endpointConfiguration);
        endpoint.setOwnClient(ownClient);
        endpoint.setJobs(path.jobs());
        endpoint.setEventsPath(path.events());
        endpoint.setWebhookConsumer(path.webhook());
        setProperties(endpoint, parameters);
        return endpoint;
    }

    /** An option of a URI, its name matched as Camel's configurers match it (case and dashes aside). */
    private static Object option(Map<String, Object> parameters, String name) {
        return parameters.entrySet().stream().filter(e -> ComfyKitClients.sameOptionName(e.getKey(), name))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    public ComfyKitConfiguration getConfiguration() {
        return configuration;
    }

    /**
     * The component's options, the defaults of every endpoint.
     */
    public void setConfiguration(ComfyKitConfiguration configuration) {
        this.configuration = configuration;
    }

    /** The clients shared by this component's endpoints. */
    public SharedClients getClients() {
        return clients;
    }

    /** The platform-http routes that receive RunningHub's webhook calls for this component's clients. */
    public WebhookRoutes getWebhookRoutes() {
        return webhookRoutes;
    }

    /** What the component's endpoints are doing: for metrics and the {@code comfykit} dev console. */
    public ComfyKitActivity getActivity() {
        return activity;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        // Micrometer meters when the application has a MeterRegistry (Spring Boot, camel-micrometer); else none
        metrics = MetricsBinding.bind(getCamelContext(), activity);
        if (metrics != null) {
            activity.addListener(metrics);
        }
    }

    @Override
    protected void doStop() throws Exception {
        if (metrics != null) {
            activity.removeListener(metrics);
            metrics = null;
        }
        clients.closeAll();
        super.doStop();
    }
}
