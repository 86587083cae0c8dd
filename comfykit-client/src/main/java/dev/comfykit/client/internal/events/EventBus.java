package dev.comfykit.client.internal.events;

import dev.comfykit.client.events.ComfyEvent;
import dev.comfykit.client.events.EventFilter;
import dev.comfykit.client.events.EventSubscription;
import dev.comfykit.client.events.SubscriptionOptions;
import dev.comfykit.client.internal.comfyui.ComfyUiApi;

import dev.comfykit.client.spi.PromptRequest;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A client's event subscriptions and its servers' event sources ({@link ServerEvents}, one per server, fed by that
 * server's one WebSocket). Publishing hands an event to every subscription, which filters and buffers it without
 * blocking.
 */
public final class EventBus implements AutoCloseable {

    private final String threadPrefix;
    private final List<BufferedSubscription> subscriptions = new CopyOnWriteArrayList<>();
    private final List<ServerEvents> servers = new CopyOnWriteArrayList<>();
    private final Map<PromptRequest, Set<String>> watched = Collections.synchronizedMap(new IdentityHashMap<>());
    private ExecutorService ownExecutor;
    private boolean closed;

    /** @param threadPrefix names the threads that run listeners without an executor of their own */
    public EventBus(String threadPrefix) {
        this.threadPrefix = threadPrefix;
    }

    /** The event source of one server, named as events and filters name it. */
    public ServerEvents server(String name, ComfyUiApi api) {
        ServerEvents source = new ServerEvents(name, this, api);
        servers.add(source);
        return source;
    }

    /**
     * Subscribes a listener; the servers it listens to connect their WebSocket if they had none yet.
     *
     * @throws IllegalArgumentException when the filter names a server the client does not have
     */
    public EventSubscription subscribe(EventFilter filter, SubscriptionOptions options,
                                       Consumer<? super ComfyEvent> listener) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(listener, "listener");
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("The ComfyKit client is closed: no new event subscriptions");
            }
        }
        List<String> names = servers.stream().map(ServerEvents::name).toList();
        for (String server : filter.servers()) {
            if (!names.contains(server)) {
                throw new IllegalArgumentException("The event filter names the server '" + server + "', which is"
                        + " not one of this client's ComfyUI servers: " + (names.isEmpty() ? "(none)"
                        : String.join(", ", names)) + ". Use a server's name as ComfyKit.servers() lists it.");
            }
        }
        BufferedSubscription[] holder = new BufferedSubscription[1];
        BufferedSubscription subscription = new BufferedSubscription(filter, listener, options.bufferSize(),
                options.executor() != null ? options.executor() : executor(),
                () -> subscriptions.remove(holder[0]));
        holder[0] = subscription;
        subscriptions.add(subscription);
        servers.stream().filter(s -> filter.acceptsServer(s.name())).forEach(ServerEvents::demand);
        return subscription;
    }

    /**
     * Follows the events of one execution: those of the prompt ids its backend {@linkplain #promptOf reports} (a
     * pool's failover adds the next attempt's), and missed-event markers, delivered like a subscription's.
     *
     * @return ends the following: events of the prompt that are still on their way (the HTTP executor's socket may be
     * behind the result) are taken for a second more, then the buffered ones delivered
     */
    public Runnable watch(PromptRequest request, SubscriptionOptions options, Consumer<? super ComfyEvent> listener) {
        Set<String> ids = ConcurrentHashMap.newKeySet();
        BufferedSubscription[] holder = new BufferedSubscription[1];
        BufferedSubscription subscription = new BufferedSubscription(EventFilter.all(),
                event -> event instanceof ComfyEvent.EventsMissed || event.promptId() != null
                        && ids.contains(event.promptId()), listener, options.bufferSize(),
                options.executor() != null ? options.executor() : executor(), () -> subscriptions.remove(holder[0]));
        holder[0] = subscription;
        watched.put(request, ids);
        subscriptions.add(subscription);
        servers.forEach(ServerEvents::demand);
        return () -> {
            watched.remove(request);
            CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS).execute(subscription::closeWhenDrained);
        };
    }

    /** A backend chose the prompt id of a request (before submitting it). */
    public void promptOf(PromptRequest request, String promptId) {
        Set<String> ids = watched.get(request);
        if (ids != null) {
            ids.add(promptId);
        }
    }

    /** Whether any subscription listens to the given server. */
    boolean wanted(String server) {
        for (BufferedSubscription subscription : subscriptions) {
            if (subscription.filter().acceptsServer(server)) {
                return true;
            }
        }
        return false;
    }

    /** Whether anyone listens at all (otherwise events are not even translated). */
    public boolean hasSubscriptions() {
        return !subscriptions.isEmpty();
    }

    void publish(ComfyEvent event) {
        for (BufferedSubscription subscription : subscriptions) {
            subscription.offer(event);
        }
    }

    private synchronized ExecutorService executor() {
        if (closed) {
            throw new IllegalStateException("The ComfyKit client is closed: no new event subscriptions");
        }
        if (ownExecutor == null) {
            AtomicInteger counter = new AtomicInteger();
            // a listener may block (a Camel route): each subscription's drain holds one thread while it runs
            ownExecutor = Executors.newCachedThreadPool(runnable -> {
                Thread thread = new Thread(runnable, threadPrefix + "-events-" + counter.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
        }
        return ownExecutor;
    }

    /** Closes every subscription and stops the listener threads. */
    @Override
    public void close() {
        subscriptions.forEach(BufferedSubscription::close);
        synchronized (this) {
            closed = true;
            if (ownExecutor != null) {
                ownExecutor.shutdown();
            }
        }
    }

    @Override
    public String toString() {
        return "EventBus[" + servers.stream().map(ServerEvents::name).collect(Collectors.joining(", ")) + "; "
                + subscriptions.size() + " subscriptions]";
    }
}
