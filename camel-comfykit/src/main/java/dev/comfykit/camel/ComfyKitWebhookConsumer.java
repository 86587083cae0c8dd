package dev.comfykit.camel;

import dev.comfykit.client.ExecuteResult;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;

import java.util.concurrent.ExecutorService;

/**
 * {@code from("comfykit:webhook")}: one exchange per RunningHub task end that a webhook announced and RunningHub then
 * confirmed, for tasks no exchange of this application waits for (those created with the {@code submit} operation;
 * an {@code execute} or {@code await} waiting for the task gets its result there, and nothing comes here).
 * <p>
 * The body is the task's {@link ExecuteResult} as RunningHub answered it (never the callback's payload), headers
 * {@code CamelComfyKitPromptId} (the task id) and {@code CamelComfyKitTaskState} ({@code SUCCESS} or {@code FAILED}).
 * Each confirmed end is delivered once, in order, on the consumer's own thread; it lives in memory only: an
 * application that stops before its route ran loses it (RunningHub does not repeat a delivery that was answered),
 * so await such tasks by id after a restart, or use a job store and {@code comfykit:jobs}. Repeated and forged calls,
 * and ids of tasks this client did not create, never arrive here.
 */
public class ComfyKitWebhookConsumer extends DefaultConsumer {

    private ExecutorService executor;
    private AutoCloseable subscription;

    public ComfyKitWebhookConsumer(ComfyKitEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
    }

    @Override
    public ComfyKitEndpoint getEndpoint() {
        return (ComfyKitEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (!getEndpoint().getClient().webhooks().enabled()) {
            throw new IllegalArgumentException("comfykit:webhook delivers RunningHub task ends announced by webhooks,"
                    + " and its client has no webhookUrl: set the options webhookUrl (the public URL RunningHub"
                    + " calls) and webhookSecret");
        }
        executor = getEndpoint().getCamelContext().getExecutorServiceManager()
                .newSingleThreadExecutor(this, "ComfyKitWebhook");
        subscription = getEndpoint().getClient().webhooks().onTaskEnd(result -> {
            ExecutorService running = executor;
            if (running != null && isRunAllowed()) {
                running.execute(() -> deliver(result));
            }
        });
    }

    private void deliver(ExecuteResult result) {
        Exchange exchange = createExchange(false);
        try {
            Message message = exchange.getMessage();
            message.setHeader(ComfyKitConstants.PROMPT_ID, result.getPromptId());
            message.setHeader(ComfyKitConstants.TASK_STATE, result.isCompleted() ? "SUCCESS" : "FAILED");
            message.setBody(result);
            getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
        if (exchange.getException() != null) {
            getExceptionHandler().handleException("comfykit:webhook: delivering the end of RunningHub task "
                    + result.getPromptId() + " failed", exchange, exchange.getException());
        }
        releaseExchange(exchange, false);
    }

    @Override
    protected void doStop() throws Exception {
        if (subscription != null) {
            subscription.close();
            subscription = null;
        }
        if (executor != null) {
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownGraceful(executor);
            executor = null;
        }
        super.doStop();
    }
}
