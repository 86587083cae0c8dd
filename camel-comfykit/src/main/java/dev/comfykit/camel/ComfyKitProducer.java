package dev.comfykit.camel;

import dev.comfykit.camel.health.ComfyKitProducerHealthCheck;
import dev.comfykit.camel.health.ComfyKitServerHealthCheck;
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

/**
 * The asynchronous producer of {@code comfykit:} endpoints: no Camel thread waits while a workflow runs; the
 * exchange continues when the client's future completes. Thread-safe: one instance serves concurrent exchanges.
 */
public class ComfyKitProducer extends DefaultAsyncProducer {

    private static final Logger LOG = LoggerFactory.getLogger(ComfyKitProducer.class);

    private ComfyKitProducerHealthCheck healthCheck;
    private MessageParams messageParams;
    private WritableHealthCheckRepository healthCheckRepository;
    /** One check per ComfyUI server of the endpoint's client (one for a single server). */
    private final List<ComfyKitServerHealthCheck> serverChecks = new ArrayList<>();

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
        switch (operation) {
            case submit:
                return client.submitWith(workflow(message), schema -> messageParams.resolve(exchange, schema),
                        priority(message)).thenAccept(submitted -> submitted(exchange, submitted));
            case await:
                return client.await(promptId(exchange)).thenCompose(result -> completed(exchange, result));
            case cancel:
                return client.cancel(promptId(exchange)).thenAccept(outcome -> cancelled(exchange, outcome));
            case describe:
                return client.describe(workflow(message)).thenAccept(schema -> described(exchange, schema));
            default:
                return client.executeWith(workflow(message), schema -> messageParams.resolve(exchange, schema),
                        priority(message)).thenCompose(result -> completed(exchange, result));
        }
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
        message.setHeader(ComfyKitConstants.PROMPT_ID, result.getPromptId());
        message.setHeader(ComfyKitConstants.STATUS, result.getStatus());
        message.setHeader(ComfyKitConstants.DURATION, result.getDuration());
        if (result.isFailed()) {
            if (getEndpoint().getConfiguration().isThrowExceptionOnFailure()) {
                exchange.setException(FailureExceptions.of(exchange, result));
                return;
            }
            message.setHeader(ComfyKitConstants.ERROR_KIND, result.getError().getKind());
        }
        message.setBody(result);
    }

    private static void submitted(Exchange exchange, SubmittedPrompt submitted) {
        exchange.getMessage().setHeader(ComfyKitConstants.PROMPT_ID, submitted.getPromptId());
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
            checkParamsAgainstWorkflow();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("comfykit endpoint " + getEndpoint().getEndpointBaseUri() + ": "
                    + e.getMessage(), e);
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
        super.doStop();
    }
}
