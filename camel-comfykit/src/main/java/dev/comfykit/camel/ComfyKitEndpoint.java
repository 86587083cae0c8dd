package dev.comfykit.camel;

import dev.comfykit.camel.support.OptionValues;
import dev.comfykit.client.ClientOption;
import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.WorkflowSource;
import org.apache.camel.AsyncEndpoint;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.EndpointServiceLocation;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.DefaultEndpoint;

import dev.comfykit.client.events.SubscriptionOptions;

import java.time.Duration;

/**
 * Run ComfyUI workflows (image, video, audio generation) on a local ComfyUI server or on RunningHub.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "comfykit", title = "ComfyKit", syntax = "comfykit:workflow",
        category = {Category.AI}, headersClass = ComfyKitConstants.class)
public class ComfyKitEndpoint extends DefaultEndpoint implements AsyncEndpoint, EndpointServiceLocation {


    @UriPath(description = "The workflow: a file path, classpath:resource, an http(s) URL (all in ComfyUI's API"
            + " format with ComfyKit title markers), a RunningHub workflow id, or runninghub:app:ID for a RunningHub"
            + " AI app; the CamelComfyKitWorkflow header overrides it per message. Or an operation that needs no"
            + " workflow: comfykit:await or comfykit:cancel. comfykit:jobs is the jobs consumer (finished jobs of a"
            + " jobStore), comfykit:events the events consumer (from(\"comfykit:events\")) and comfykit:webhook the"
            + " webhook consumer (RunningHub task ends announced by webhooks); write ./await for a workflow file named"
            + " like one of these words.")
    @Metadata(required = false)
    private String workflow;

    @UriParam
    private ComfyKitConfiguration configuration;

    @UriParam(label = "consumer")
    private String types;
    @UriParam(label = "consumer")
    private String promptId;
    @UriParam(label = "consumer")
    private String server;
    @UriParam(label = "consumer", defaultValue = "1000")
    private int eventBufferSize = SubscriptionOptions.DEFAULT_BUFFER_SIZE;
    @UriParam(label = "producer")
    private String progressUri;

    private boolean eventsPath;
    private boolean webhookConsumer;
    private boolean webhookRegistered;

    private ComfyKit client;
    private boolean sharedClient;
    private boolean ownClient;
    private boolean jobs;

    public ComfyKitEndpoint(String uri, ComfyKitComponent component, String workflow,
                            ComfyKitConfiguration configuration) {
        super(uri, component);
        this.workflow = workflow;
        this.configuration = configuration;
    }

    @Override
    public ComfyKitComponent getComponent() {
        return (ComfyKitComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        if (jobs) {
            throw new IllegalArgumentException("comfykit:jobs is a consumer: use it in from(\"comfykit:jobs\") (to run"
                    + " a workflow file named jobs, write comfykit:./jobs)");
        }
        if (webhookConsumer) {
            throw new IllegalArgumentException("comfykit:webhook is the webhook consumer: use it in"
                    + " from(\"comfykit:webhook\") (to run a workflow file named webhook, write comfykit:./webhook)");
        }
        if (eventsPath) {
            throw new IllegalArgumentException("comfykit:events is the events consumer: use it in from(...); to run"
                    + " a workflow and send its events somewhere, use to(\"comfykit:<workflow>?progressUri=...\")");
        }
        return new ComfyKitProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        if (webhookConsumer) {
            ComfyKitWebhookConsumer consumer = new ComfyKitWebhookConsumer(this, processor);
            configureConsumer(consumer);
            return consumer;
        }
        if (!jobs && !eventsPath) {
            throw new IllegalArgumentException("comfykit:" + (workflow == null ? "" : workflow) + " is a producer"
                    + " (use it in to(...)); the consumers are from(\"comfykit:events\"), with the options types,"
                    + " promptId and server, from(\"comfykit:jobs\"), which delivers finished jobs of a jobStore, and"
                    + " from(\"comfykit:webhook\"), RunningHub task ends announced by webhooks");
        }
        DefaultConsumer consumer = jobs ? new ComfyKitJobsConsumer(this, processor)
                : new ComfyKitEventsConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    /** Whether this is the jobs consumer's endpoint ({@code comfykit:jobs}). */
    public boolean isJobs() {
        return jobs;
    }

    void setJobs(boolean jobs) {
        this.jobs = jobs;
    }

    /** Whether the path is {@code webhook}: the webhook consumer. */
    public boolean isWebhookConsumer() {
        return webhookConsumer;
    }

    void setWebhookConsumer(boolean webhookConsumer) {
        this.webhookConsumer = webhookConsumer;
    }

    /** Whether the path is {@code events}: the events consumer. */
    public boolean isEventsPath() {
        return eventsPath;
    }

    void setEventsPath(boolean eventsPath) {
        this.eventsPath = eventsPath;
    }

    public String getTypes() {
        return types;
    }

    /**
     * The events consumer receives only these event types (comma-separated): progress (a node's value and max),
     * executing (a node started), executed (a node finished, with its outputs), preview (an image while sampling),
     * queue (the server's queue length), started, cached, success, error (with the structured error) and missed
     * (events may have been missed; always delivered). Unset: every type.
     */
    public void setTypes(String types) {
        this.types = types;
    }

    public String getPromptId() {
        return promptId;
    }

    /**
     * The events consumer receives only the events of these prompt ids (comma-separated). Unset: every prompt of
     * the client (ComfyUI sends a prompt's events only to the client that submitted it).
     */
    public void setPromptId(String promptId) {
        this.promptId = promptId;
    }

    public String getServer() {
        return server;
    }

    /**
     * The events consumer receives only the events of these servers (comma-separated names of a pool's servers, or
     * the comfyuiUrl for one server). Unset: every server of the client.
     */
    public void setServer(String server) {
        this.server = server;
    }

    public int getEventBufferSize() {
        return eventBufferSize;
    }

    /**
     * How many events the events consumer (and a progressUri's feed) keeps while the route is busy. The WebSocket's
     * thread never waits for a route: when the buffer is full, previews are dropped first, then the oldest events,
     * and a message with the CamelComfyKitEventsMissed header says how many were dropped; a burst of drops is
     * logged once.
     */
    public void setEventBufferSize(int eventBufferSize) {
        this.eventBufferSize = eventBufferSize;
    }

    public String getProgressUri() {
        return progressUri;
    }

    /**
     * An endpoint URI (e.g. seda:progress) that the execute operation also sends the execution's events to while it
     * runs, one message per event (the typed event as the body, the event headers) carrying a copy of all headers
     * the original exchange had when the execution started (the correlation headers). Sent asynchronously and in
     * order per execution, off the producer's path: a slow progress route never delays the result. Best with
     * executorType=WEBSOCKET; with HTTP the socket opens at the first such execution.
     */
    public void setProgressUri(String progressUri) {
        this.progressUri = progressUri;
    }

    public String getWorkflow() {
        return workflow;
    }

    /** The workflow to run. */
    public void setWorkflow(String workflow) {
        this.workflow = workflow;
    }

    public ComfyKitConfiguration getConfiguration() {
        return configuration;
    }

    /** The endpoint's options. */
    public void setConfiguration(ComfyKitConfiguration configuration) {
        this.configuration = configuration;
    }

    /** Whether the URI sets connection options, so that the endpoint builds its own client. */
    public boolean isOwnClient() {
        return ownClient;
    }

    /**
     * Makes the endpoint build its own client from its options instead of using the component's (set by the component
     * when the URI sets a connection option).
     */
    void setOwnClient(boolean ownClient) {
        this.ownClient = ownClient;
    }

    /** The client, once the endpoint is started. */
    public ComfyKit getClient() {
        if (client == null) {
            throw new IllegalStateException("Endpoint " + getEndpointUri() + " is not started");
        }
        return client;
    }

    /** Whether the endpoint's workflow runs on RunningHub (a workflow id or a runninghub: form). */
    public boolean isRunningHub() {
        try {
            return workflow != null && !workflow.isBlank() && WorkflowSource.detect(workflow).isRunningHub();
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public String getServiceUrl() {
        if (isRunningHub()) {
            return client != null ? client.config().getRunninghubUrl().toString() : configuration.getRunninghubUrl();
        }
        return client != null ? client.config().getComfyuiUrl().toString() : configuration.getComfyuiUrl();
    }

    @Override
    public String getServiceProtocol() {
        return isRunningHub() ? "https" : "http";
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        // Camel autowires a single ComfyKit bean into the endpoint too; its own connection options win over it
        if (ownClient) {
            configuration.setComfyKit(null);
        }
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        validate();
        if (configuration.getComfyKit() != null) {
            client = configuration.getComfyKit();
            sharedClient = false;
        } else {
            try {
                client = getComponent().getClients().acquire(configuration,
                        getCamelContext().getApplicationContextClassLoader());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("comfykit endpoint " + getEndpointBaseUri() + ": " + e.getMessage(),
                        e);
            }
            sharedClient = true;
        }
        getComponent().getActivity().attach(client);
        if (client.webhooks().enabled()) {
            try {
                getComponent().getWebhookRoutes().register(getCamelContext(), configuration.getWebhookPath(), client);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("comfykit endpoint " + getEndpointBaseUri() + ": " + e.getMessage(),
                        e);
            }
            webhookRegistered = true;
        }
    }

    private void validate() {
        require(eventBufferSize >= 1, "eventBufferSize", "must be at least 1 (got " + eventBufferSize + ")");
        if (eventsPath) {
            ComfyKitEventsConsumer.filter(this);
        } else if (!jobs && !webhookConsumer && configuration.getOperation().needsWorkflow()
                && (workflow == null || workflow.isBlank())) {
            throw new IllegalArgumentException("comfykit endpoint: operation " + configuration.getOperation()
                    + " needs a workflow: write comfykit:<workflow> (a file path, classpath:resource, http(s) URL or"
                    + " RunningHub id), or send the CamelComfyKitWorkflow header with operation=execute set per"
                    + " message.");
        }
        ComfyKitClients.options().forEach(this::validate);
    }

    /** A client option, by the client's own rules (the option table), before any client is built. */
    private <T> void validate(ClientOption<T> option) {
        String name = option.componentName().orElseThrow();
        T value = ComfyKitClients.value(configuration, option);
        if (value == null) {
            require(option.defaultText() == null, name, "must be set (its default is " + option.defaultText() + ")");
        } else if (value instanceof Duration duration && (duration.isZero() || duration.isNegative())) {
            // Camel reads a duration it cannot parse as 0, so a non-positive value may be a typo: show the forms
            require(false, name, "must be a positive duration (" + OptionValues.DURATION_FORMS
                    + "); a value Camel cannot read as a duration counts as 0");
        } else {
            String problem = option.problem(value);
            require(problem == null, name, problem);
        }
    }

    private void require(boolean valid, String option, String rule) {
        if (!valid) {
            throw new IllegalArgumentException("comfykit endpoint " + getEndpointBaseUri() + ": option " + option + " "
                    + rule);
        }
    }

    @Override
    protected void doStop() throws Exception {
        if (client != null) {
            getComponent().getActivity().detach(client);
        }
        if (client != null && webhookRegistered) {
            getComponent().getWebhookRoutes().unregister(configuration.getWebhookPath(), client);
            webhookRegistered = false;
        }
        if (client != null && sharedClient) {
            getComponent().getClients().release(client);
        }
        client = null;
        super.doStop();
    }
}
