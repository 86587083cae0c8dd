package dev.comfykit.camel.support;

import dev.comfykit.camel.ComfyKitConfiguration;
import dev.comfykit.camel.ComfyKitClients;
import dev.comfykit.client.ComfyKit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ComfyKit clients of one component: endpoints whose connection options are equal share one client (one
 * HTTP connection pool, one WebSocket, one poll for all their executions in flight). A client is closed when the
 * last endpoint using it stops.
 */
public final class SharedClients {

    private final Map<List<Object>, Shared> byKey = new HashMap<>();
    private final Map<ComfyKit, Shared> byClient = new IdentityHashMap<>();

    private static final class Shared {
        final List<Object> key;
        final ComfyKit client;
        int users;

        Shared(List<Object> key, ComfyKit client) {
            this.key = key;
            this.client = client;
        }
    }

    /**
     * The client for a configuration, created on first use.
     *
     * @param classLoader where classpath: workflows are looked up
     * @throws IllegalArgumentException naming the option that is invalid
     */
    public synchronized ComfyKit acquire(ComfyKitConfiguration configuration, ClassLoader classLoader) {
        List<Object> key = key(configuration, classLoader);
        Shared shared = byKey.get(key);
        if (shared == null) {
            shared = new Shared(key, build(configuration, classLoader));
            byKey.put(key, shared);
            byClient.put(shared.client, shared);
        }
        shared.users++;
        return shared.client;
    }

    /** Gives a client back; the last user closes it. */
    public synchronized void release(ComfyKit client) {
        Shared shared = byClient.get(client);
        if (shared != null && --shared.users == 0) {
            byClient.remove(client);
            byKey.remove(shared.key);
            client.close();
        }
    }

    /** How many clients are open (for tests and the dev console). */
    public synchronized int size() {
        return byKey.size();
    }

    /** Closes every client. */
    public synchronized void closeAll() {
        byClient.keySet().forEach(ComfyKit::close);
        byClient.clear();
        byKey.clear();
    }

    private static ComfyKit build(ComfyKitConfiguration configuration, ClassLoader classLoader) {
        return ComfyKitClients.builder(configuration).classLoader(classLoader).build();
    }

    /** What makes a client: its connection options and the class loader of its classpath: workflows. */
    private static List<Object> key(ComfyKitConfiguration configuration, ClassLoader classLoader) {
        List<Object> key = new ArrayList<>(ComfyKitClients.connectionOptions(configuration));
        key.add(classLoader);
        return key;
    }
}
