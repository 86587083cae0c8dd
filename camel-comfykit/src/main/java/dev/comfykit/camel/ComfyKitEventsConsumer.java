package dev.comfykit.camel;

import dev.comfykit.camel.support.EventMessages;
import dev.comfykit.client.events.ComfyEvent;
import dev.comfykit.client.events.EventFilter;
import dev.comfykit.client.events.EventSubscription;
import dev.comfykit.client.events.EventType;
import dev.comfykit.client.events.SubscriptionOptions;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * {@code from("comfykit:events")}: one exchange per event of the endpoint client's servers, filtered by the
 * endpoint's {@code types}, {@code promptId} and {@code server}. It subscribes to the client's events, so it shares
 * the client's WebSocket per server; the socket's thread only fills the consumer's bounded buffer
 * ({@code eventBufferSize}), and the route runs on the consumer's own thread, one event at a time, in order.
 */
public class ComfyKitEventsConsumer extends DefaultConsumer {

    private EventSubscription subscription;
    private ExecutorService executor;

    public ComfyKitEventsConsumer(ComfyKitEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
    }

    @Override
    public ComfyKitEndpoint getEndpoint() {
        return (ComfyKitEndpoint) super.getEndpoint();
    }

    /** The subscription while started (its drop counters), else {@code null}. */
    public EventSubscription getSubscription() {
        return subscription;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        ComfyKitEndpoint endpoint = getEndpoint();
        EventFilter filter = filter(endpoint);
        executor = endpoint.getCamelContext().getExecutorServiceManager().newSingleThreadExecutor(this,
                "ComfyKitEvents");
        try {
            subscription = endpoint.getClient().subscribe(filter,
                    new SubscriptionOptions(endpoint.getEventBufferSize(), executor), this::onEvent);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("comfykit endpoint " + endpoint.getEndpointBaseUri() + ": option"
                    + " server: " + e.getMessage(), e);
        }
    }

    static EventFilter filter(ComfyKitEndpoint endpoint) {
        EventFilter filter = EventFilter.all();
        if (endpoint.getTypes() != null && !endpoint.getTypes().isBlank()) {
            try {
                filter = filter.withTypes(split(endpoint.getTypes()).stream().map(EventType::parse).toList());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("comfykit endpoint " + endpoint.getEndpointBaseUri()
                        + ": option types: " + e.getMessage(), e);
            }
        }
        if (endpoint.getPromptId() != null && !endpoint.getPromptId().isBlank()) {
            filter = filter.withPromptIds(split(endpoint.getPromptId()));
        }
        if (endpoint.getServer() != null && !endpoint.getServer().isBlank()) {
            filter = filter.withServers(split(endpoint.getServer()));
        }
        return filter;
    }

    private static List<String> split(String values) {
        return Arrays.stream(values.split(",")).map(String::strip).filter(v -> !v.isEmpty()).toList();
    }

    private void onEvent(ComfyEvent event) {
        Exchange exchange = createExchange(false);
        try {
            EventMessages.fill(exchange.getMessage(), event);
            getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
        if (exchange.getException() != null) {
            getExceptionHandler().handleException("Error processing a ComfyKit event", exchange,
                    exchange.getException());
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
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdown(executor);
            executor = null;
        }
        super.doStop();
    }
}
