package dev.comfykit.camel;

import dev.comfykit.camel.support.OptionValues;
import dev.comfykit.camel.support.SharedClients;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.HealthCheckComponent;
import org.apache.camel.util.PropertiesHelper;

import java.util.Map;

/**
 * The {@code comfykit:} component: runs ComfyUI workflows from Camel routes.
 */
@Component("comfykit")
public class ComfyKitComponent extends HealthCheckComponent {

    @Metadata
    private ComfyKitConfiguration configuration = new ComfyKitConfiguration();

    private final SharedClients clients = new SharedClients();

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
        ComfyKitEndpoint endpoint = new ComfyKitEndpoint(uri, this, remaining, endpointConfiguration);
        setProperties(endpoint, parameters);
        return endpoint;
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

    @Override
    protected void doStop() throws Exception {
        clients.closeAll();
        super.doStop();
    }
}
