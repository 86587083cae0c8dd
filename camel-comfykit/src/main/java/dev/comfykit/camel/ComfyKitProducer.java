package dev.comfykit.camel;

import dev.comfykit.client.jobs.JobRecord;
import dev.comfykit.client.jobs.JobState;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import dev.comfykit.camel.health.ComfyKitProducerHealthCheck;
import dev.comfykit.camel.health.ComfyKitServerHealthCheck;
import dev.comfykit.camel.observe.Names;
import dev.comfykit.camel.support.FailureExceptions;
import dev.comfykit.camel.support.MessageParams;
import dev.comfykit.client.Priority;
import dev.comfykit.client.CancelOutcome;
import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.InvalidParameterException;
import dev.comfykit.client.InvalidWorkflowException;
import dev.comfykit.client.ServerStatus;
import dev.comfykit.client.SubmittedPrompt;
import dev.comfykit.client.dsl.WorkflowSchema;
import dev.comfykit.client.FailureCauses;
import dev.comfykit.client.output.OutputNames;
import dev.comfykit.client.output.SafeFileNames;
import dev.comfykit.client.WorkflowSource;
import dev.comfykit.client.events.ComfyEvent;
import dev.comfykit.client.events.SubscriptionOptions;
import dev.comfykit.camel.support.EventMessages;
import org.apache.camel.Endpoint;
import org.apache.camel.ProducerTemplate;
import java.util.HashMap;
import java.util.Map;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.WritableHealthCheckRepository;
import org.apache.camel.support.DefaultAsyncProducer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The asynchronous producer of {@code comfykit:} endpoints: no Camel thread waits while a workflow runs; the
 * exchange continues when the client's future completes. Thread-safe: one instance serves concurrent exchanges.
 */
public class ComfyKitProducer extends DefaultAsyncProducer {

    private static final Logger LOG = LoggerFactory.getLogger(ComfyKitProducer.class);

    /** The longest correlation header value stored with a job. */
    private static final int MAX_CORRELATION_VALUE = 4096;

    private List<String> correlationHeaders = List.of();
    private ComfyKitProducerHealthCheck healthCheck;
    private MessageParams messageParams;
    private WritableHealthCheckRepository healthCheckRepository;
    /** One check per ComfyUI server of the endpoint's client (one for a single server). */
    private final List<ComfyKitServerHealthCheck> serverChecks = new ArrayList<>();
    /** Whether the warning about an ignored server labels header was logged (once per producer). */
    private final AtomicBoolean labelsHeaderIgnored = new AtomicBoolean();
    private ProducerTemplate progress;
    private Endpoint progressEndpoint;

    public ComfyKitProducer(ComfyKitEndpoint endpoint) {
        super(endpoint);
    }

    @Override
    public ComfyKitEndpoint getEndpoint() {
        return (ComfyKitEndpoint) super.getEndpoint();
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        CompletableFuture<?> work;
        try {
            work = start(exchange);
        } catch (Exception e) {
            exchange.setException(FailureExceptions.of(exchange, e));
            callback.done(true);
            return true;
        }
        work.whenComplete((value, error) -> {
            try {
                if (error != null) {
                    exchange.setException(FailureExceptions.of(exchange, FailureCauses.unwrap(error)));
                }
            } finally {
                callback.done(false);
            }
        });
        return false;
    }

    private CompletableFuture<?> start(Exchange exchange) throws InvalidPayloadException {
        Message message = exchange.getMessage();
        ComfyKitConfiguration configuration = getEndpoint().getConfiguration();
        ComfyKit client = getEndpoint().getClient();
        ComfyKitOperation operation = message.getHeader(ComfyKitConstants.OPERATION, configuration.getOperation(),
                ComfyKitOperation.class);
        boolean durable = client.hasJobStore();
        switch (operation) {
            case submit:
                if (durable) {
                    String jobId = jobId(message);
                    return client.onServers(serverLabels(message)).withPriority(priority(message)).submitJob(jobId, workflow(message),
                            schema -> messageParams.resolve(exchange, schema), correlation(message))
                            .thenAccept(submitted -> submitted(exchange, submitted));
                }
                return client.onServers(serverLabels(message)).withPriority(priority(message)).submitWith(workflow(message),
                        schema -> messageParams.resolve(exchange, schema))
                        .thenAccept(submitted -> submitted(exchange, submitted));
            case await: {
                String awaited = durable && message.getHeader(ComfyKitConstants.JOB_ID) != null
                        ? message.getHeader(ComfyKitConstants.JOB_ID, String.class) : promptId(exchange);
                return tracked(exchange, "await", null, isRunningHubTask(awaited), client.await(awaited))
                        .thenCompose(result -> completed(exchange, result));
            }
            case cancel:
                return client.cancel(promptId(exchange)).thenAccept(outcome -> cancelled(exchange, outcome));
            case describe:
                return client.describe(workflow(message)).thenAccept(schema -> described(exchange, schema));
            default: {
                String workflow = workflow(message);
                CompletableFuture<ExecuteResult> execution;
                if (durable) {
                    String jobId = jobId(message);
                    message.setHeader(ComfyKitConstants.JOB_ID, jobId);
                    execution = client.onServers(serverLabels(message)).withPriority(priority(message)).executeJob(jobId, workflow,
                            schema -> messageParams.resolve(exchange, schema), correlation(message));
                } else if (progress != null) {
                    execution = client.onServers(serverLabels(message)).withPriority(priority(message)).executeWith(workflow,
                            schema -> messageParams.resolve(exchange, schema),
                            new SubscriptionOptions(getEndpoint().getEventBufferSize(), null), progressFeed(exchange));
                } else {
                    execution = client.onServers(serverLabels(message)).withPriority(priority(message)).executeWith(workflow,
                            schema -> messageParams.resolve(exchange, schema));
                }
                return tracked(exchange, "execute", workflow, isRunningHub(workflow), execution)
                        .thenCompose(result -> completed(exchange, result));
            }
        }
    }

    /** The job id of the message (the header), or a new one. */
    private static String jobId(Message message) {
        String jobId = message.getHeader(ComfyKitConstants.JOB_ID, String.class);
        if (jobId == null) {
            return UUID.randomUUID().toString();
        }
        if (jobId.isBlank() || jobId.length() > JobRecord.MAX_ID_LENGTH) {
            throw new IllegalArgumentException("The " + ComfyKitConstants.JOB_ID + " header must be 1 to "
                    + JobRecord.MAX_ID_LENGTH + " characters, not blank; got " + jobId.length()
                    + " characters. Remove it for a random job id.");
        }
        return jobId;
    }

    /** The headers listed in correlationHeaders, as text, to store with the job. */
    private Map<String, String> correlation(Message message) {
        Map<String, String> correlation = new TreeMap<>();
        for (String name : correlationHeaders) {
            String value = message.getHeader(name, String.class);
            if (value == null) {
                continue;
            }
            if (value.length() > MAX_CORRELATION_VALUE) {
                throw new IllegalArgumentException("Header " + name + " (listed in correlationHeaders) is "
                        + value.length() + " characters long; at most " + MAX_CORRELATION_VALUE + " are stored with a"
                        + " job. Store a shorter key (an id) instead.");
            }
            correlation.put(name, value);
        }
        return correlation;
    }

    /**
     * The message's label selector ({@link ComfyKitConstants#SERVER_LABELS}) when the route lets messages narrow
     * their servers, else {@code null}. The client applies it on top of the endpoint's serverLabels, so it can only
     * narrow them.
     */
    private String serverLabels(Message message) {
        String selector = message.getHeader(ComfyKitConstants.SERVER_LABELS, String.class);
        if (selector == null || selector.isBlank()) {
            return null;
        }
        if (!getEndpoint().getConfiguration().isServerLabelsFromHeader()) {
            if (labelsHeaderIgnored.compareAndSet(false, true)) {
                LOG.warn("comfykit endpoint {}: the {} header is ignored, as the route does not let messages choose"
                        + " their servers; set serverLabelsFromHeader=true to honour it (it can only narrow the"
                        + " endpoint's servers)", getEndpoint().getEndpointBaseUri(), ComfyKitConstants.SERVER_LABELS);
            }
            return null;
        }
        if (selector.contains("://")) {
            throw new InvalidParameterException(ComfyKitConstants.SERVER_LABELS, "The "
                    + ComfyKitConstants.SERVER_LABELS + " header is a label selector such as gpu=a100, not a server"
                    + " or URL: '" + selector + "'. Servers are chosen by the route (servers, serverLabels).");
        }
        try {
            // parsed here, so that a selector the client cannot read fails as a validation error of this message
            client().onServers(selector);
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException(ComfyKitConstants.SERVER_LABELS, "The "
                    + ComfyKitConstants.SERVER_LABELS + " header is not a label selector such as gpu=a100,vram=48: "
                    + e.getMessage(), e);
        }
        return selector;
    }

    private ComfyKit client() {
        return getEndpoint().getClient();
    }

    /**
     * Counts an execution or wait in the component's activity (metrics, dev console) and, once it ended, names the
     * server that ran it in the {@link ComfyKitConstants#SERVER} header (which tracing picks up).
     */
    private CompletableFuture<ExecuteResult> tracked(Exchange exchange, String operation, String workflow,
                                                     boolean runningHub, CompletableFuture<ExecuteResult> work) {
        ComfyKit client = getEndpoint().getClient();
        long start = System.nanoTime();
        return getEndpoint().getComponent().getActivity().track(operation, Names.workflow(workflow), start, work,
                result -> {
                    String server = Names.server(client, runningHub, result);
                    if (server != null) {
                        exchange.getMessage().setHeader(ComfyKitConstants.SERVER, server);
                    }
                    return server;
                });
    }

    private static boolean isRunningHub(String workflow) {
        try {
            return WorkflowSource.detect(workflow).isRunningHub();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** RunningHub task ids are all digits; ComfyUI's prompt ids are UUIDs (as the client routes them). */
    private static boolean isRunningHubTask(String promptId) {
        return !promptId.isEmpty() && promptId.chars().allMatch(Character::isDigit);
    }

    /**
     * Sends the execution's events to progressUri with a copy of the exchange's headers as they are now; runs on
     * the client's event threads, one event at a time per execution, so the producer never waits for it.
     */
    private java.util.function.Consumer<ComfyEvent> progressFeed(Exchange exchange) {
        Map<String, Object> headers = new HashMap<>(exchange.getMessage().getHeaders());
        return event -> {
            Exchange sent = progress.send(progressEndpoint, out -> {
                out.getMessage().setHeaders(new HashMap<>(headers));
                EventMessages.fill(out.getMessage(), event);
            });
            if (sent.getException() != null) {
                LOG.warn("Sending a {} event of prompt {} to {} failed: {}", event.type(), event.promptId(),
                        getEndpoint().getProgressUri(), sent.getException().getMessage());
            }
        };
    }

    private String workflow(Message message) {
        String workflow = message.getHeader(ComfyKitConstants.WORKFLOW, getEndpoint().getWorkflow(), String.class);
        if (workflow == null || workflow.isBlank()) {
            throw new IllegalArgumentException("No workflow: give it in the endpoint URI (comfykit:<workflow>) or in"
                    + " the " + ComfyKitConstants.WORKFLOW + " header.");
        }
        return workflow;
    }

    /**
     * The message's queue priority, or {@code null} for the endpoint's. Only with priorityFromHeader: the server's
     * queue is shared, so message data may not move a prompt ahead of other clients' work unless the route allows it.
     */
    private Priority priority(Message message) {
        String header = message.getHeader(ComfyKitConstants.PRIORITY, String.class);
        if (header == null) {
            return null;
        }
        if (!getEndpoint().getConfiguration().isPriorityFromHeader()) {
            throw new InvalidParameterException(ComfyKitConstants.PRIORITY, "The message sets the "
                    + ComfyKitConstants.PRIORITY + " header, but this endpoint does not let messages choose their"
                    + " queue priority: set priorityFromHeader=true on the endpoint to allow it, or remove the"
                    + " header.");
        }
        try {
            return Priority.parse(header);
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException(ComfyKitConstants.PRIORITY, "The " + ComfyKitConstants.PRIORITY
                    + " header is invalid: " + e.getMessage() + ".");
        }
    }

    private static String promptId(Exchange exchange) throws InvalidPayloadException {
        Message message = exchange.getMessage();
        String promptId = message.getHeader(ComfyKitConstants.PROMPT_ID, String.class);
        if (promptId == null) {
            Object body = message.getBody();
            if (body instanceof SubmittedPrompt) {
                return ((SubmittedPrompt) body).getPromptId();
            }
            promptId = message.getMandatoryBody(String.class).trim();
        }
        if (promptId.isEmpty()) {
            throw new IllegalArgumentException("No prompt id: set the " + ComfyKitConstants.PROMPT_ID
                    + " header (or put the id in the body).");
        }
        return promptId;
    }

    private CompletableFuture<Void> completed(Exchange exchange, ExecuteResult result) {
        String directory = getEndpoint().getConfiguration().getOutputDirectory();
        String outputName = outputName(exchange.getMessage());
        if (outputName != null) {
            // on the result message too, so ComfyKitExpressions.outputFiles() names split outputs the same way
            exchange.getMessage().setHeader(ComfyKitConstants.OUTPUT_NAME, outputName);
        }
        if (directory == null || result.getFiles().isEmpty()) {
            setResult(exchange, result);
            return CompletableFuture.completedFuture(null);
        }
        return getEndpoint().getClient().saveOutputs(result, Path.of(directory), outputName)
                .thenAccept(saved -> setResult(exchange, saved));
    }

    /** The safe base name for the outputs: the header, else the input file's name if asked for, else none. */
    private String outputName(Message message) {
        String explicit = message.getHeader(ComfyKitConstants.OUTPUT_NAME, String.class);
        if (explicit != null && !explicit.isBlank()) {
            return SafeFileNames.sanitize(explicit);
        }
        if (!getEndpoint().getConfiguration().isOutputNameFromInput()) {
            return null;
        }
        String input = message.getHeader(Exchange.FILE_NAME_ONLY, String.class);
        if (input == null || input.isBlank()) {
            input = message.getHeader(Exchange.FILE_NAME, String.class);
        }
        return input == null || input.isBlank() ? null : OutputNames.baseNameOf(input);
    }

    private void setResult(Exchange exchange, ExecuteResult result) {
        Message message = exchange.getMessage();
        if (message.getHeader(ComfyKitConstants.JOB_ID) != null && getEndpoint().getClient().hasJobStore()) {
            message.setHeader(ComfyKitConstants.JOB_STATE, ComfyKitJobsConsumer.stateOf(result));
        }
        message.setHeader(ComfyKitConstants.PROMPT_ID, result.getPromptId());
        message.setHeader(ComfyKitConstants.STATUS, result.getStatus());
        message.setHeader(ComfyKitConstants.DURATION, result.getDuration());
        setServer(message, result.getServer());
        if (result.isFailed()) {
            if (getEndpoint().getConfiguration().isThrowExceptionOnFailure()) {
                exchange.setException(FailureExceptions.of(exchange, result));
                return;
            }
            message.setHeader(ComfyKitConstants.ERROR_KIND, result.getError().getKind());
        }
        message.setBody(result);
    }

    /** The server header, removed when no server is named (so a second comfykit step never shows the first's). */
    private static void setServer(Message message, String server) {
        if (server == null) {
            message.removeHeader(ComfyKitConstants.SERVER);
        } else {
            message.setHeader(ComfyKitConstants.SERVER, server);
        }
    }

    private static void submitted(Exchange exchange, SubmittedPrompt submitted) {
        exchange.getMessage().setHeader(ComfyKitConstants.PROMPT_ID, submitted.getPromptId());
        if (submitted.getJobId() != null) {
            exchange.getMessage().setHeader(ComfyKitConstants.JOB_ID, submitted.getJobId());
            exchange.getMessage().setHeader(ComfyKitConstants.JOB_STATE, JobState.QUEUED);
        }
        setServer(exchange.getMessage(), submitted.getServer());
        exchange.getMessage().setBody(submitted);
    }

    private static void cancelled(Exchange exchange, CancelOutcome outcome) {
        exchange.getMessage().setHeader(ComfyKitConstants.CANCEL_OUTCOME, outcome);
        exchange.getMessage().setBody(outcome);
    }

    private static void described(Exchange exchange, WorkflowSchema schema) {
        exchange.getMessage().setBody(schema);
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        try {
            messageParams = new MessageParams(getEndpoint().getConfiguration());
            correlationHeaders = ComfyKitJobsConsumer.names(getEndpoint().getConfiguration().getCorrelationHeaders());
            checkParamsAgainstWorkflow();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("comfykit endpoint " + getEndpoint().getEndpointBaseUri() + ": "
                    + e.getMessage(), e);
        }
        String progressUri = getEndpoint().getProgressUri();
        if (progressUri != null && !progressUri.isBlank()) {
            try {
                progressEndpoint = getEndpoint().getCamelContext().getEndpoint(progressUri);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("comfykit endpoint " + getEndpoint().getEndpointBaseUri()
                        + ": option progressUri '" + progressUri + "' is not an endpoint Camel can resolve: "
                        + e.getMessage(), e);
            }
            progress = getEndpoint().getCamelContext().createProducerTemplate();
            progress.start();
        }
        healthCheckRepository = HealthCheckHelper.getHealthCheckRepository(getEndpoint().getCamelContext(),
                "producers", WritableHealthCheckRepository.class);
        if (healthCheckRepository != null) {
            healthCheck = new ComfyKitProducerHealthCheck(getEndpoint());
            healthCheck.setEnabled(getEndpoint().getComponent().isHealthCheckProducerEnabled());
            healthCheckRepository.addHealthCheck(healthCheck);
            if (!getEndpoint().isRunningHub()) {
                addServerChecks();
            }
        }
    }

    /**
     * A workflow on the class path or the local disk is loaded now, so that a misspelt param.NAME or headerParams
     * entry stops the route from starting instead of failing its first message. Workflows fetched over the network
     * (a URL, RunningHub) are checked at the first message, like workflows chosen per message; lazyStartProducer=true
     * defers this check too.
     */
    private void checkParamsAgainstWorkflow() {
        String workflow = getEndpoint().getWorkflow();
        if (workflow == null || workflow.isBlank() || !getEndpoint().getConfiguration().getOperation().needsWorkflow()
                || !WorkflowSource.detect(workflow).isLocal()) {
            return;
        }
        WorkflowSchema schema;
        try {
            schema = getEndpoint().getClient().describe(workflow).join();
        } catch (RuntimeException e) {
            Throwable cause = FailureCauses.unwrap(e);
            if (cause instanceof InvalidWorkflowException || cause instanceof InvalidParameterException) {
                throw new IllegalArgumentException(cause.getMessage(), cause);
            }
            LOG.info("Workflow {} could not be loaded at start ({}); its params are checked at the first message.",
                    workflow, cause.getMessage());
            return;
        }
        messageParams.check(schema);
    }

    private void addServerChecks() {
        ComfyKit client = getEndpoint().getClient();
        for (ServerStatus server : client.servers()) {
            String url = server.url();
            ComfyKitServerHealthCheck check = new ComfyKitServerHealthCheck(healthCheck.getId() + "/server:"
                    + ComfyKitProducerHealthCheck.id(url), () -> client.servers().stream()
                    .filter(s -> s.url().equals(url)).findFirst().orElse(null));
            check.setEnabled(getEndpoint().getComponent().isHealthCheckProducerEnabled());
            healthCheckRepository.addHealthCheck(check);
            serverChecks.add(check);
        }
    }

    @Override
    protected void doStop() throws Exception {
        if (healthCheckRepository != null && healthCheck != null) {
            healthCheckRepository.removeHealthCheck(healthCheck);
            healthCheck = null;
        }
        if (healthCheckRepository != null) {
            serverChecks.forEach(healthCheckRepository::removeHealthCheck);
        }
        serverChecks.clear();
        if (progress != null) {
            progress.stop();
            progress = null;
        }
        super.doStop();
    }
}
