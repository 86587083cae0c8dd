package dev.comfykit.client.events;

import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which events a subscription receives: by type, prompt id and server; an empty set means any. Immutable; every
 * {@code with...} method returns a new filter.
 * <p>
 * An event without a prompt id (queue status, a preview of an unknown prompt) does not pass a prompt filter.
 * {@link ComfyEvent.EventsMissed} passes every type and prompt filter (only the server filter applies), so a
 * subscriber always learns that it may have missed something.
 */
public final class EventFilter implements Predicate<ComfyEvent> {

    private static final EventFilter ALL = new EventFilter(Set.of(), Set.of(), Set.of());

    private final Set<EventType> types;
    private final Set<String> promptIds;
    private final Set<String> servers;

    private EventFilter(Set<EventType> types, Set<String> promptIds, Set<String> servers) {
        this.types = types;
        this.promptIds = promptIds;
        this.servers = servers;
    }

    /** Every event of every server. */
    public static EventFilter all() {
        return ALL;
    }

    /** Only these types (none given: any type). */
    public EventFilter withTypes(EventType... types) {
        return withTypes(Arrays.asList(types));
    }

    /** Only these types (empty: any type). */
    public EventFilter withTypes(Collection<EventType> types) {
        Set<EventType> set = types.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(types));
        return new EventFilter(set, promptIds, servers);
    }

    /** Only events of these prompts (none given: any prompt). */
    public EventFilter withPromptIds(String... promptIds) {
        return withPromptIds(Arrays.asList(promptIds));
    }

    /** Only events of these prompts (empty: any prompt). */
    public EventFilter withPromptIds(Collection<String> promptIds) {
        return new EventFilter(types, copy(promptIds, "prompt id"), servers);
    }

    /**
     * Only events of these servers, by name: a pool member's name ({@code servers=name=url;...}), or the server's
     * URL for a client of one server (as {@code ComfyKit.servers()} lists them). None given: every server.
     */
    public EventFilter withServers(String... servers) {
        return withServers(Arrays.asList(servers));
    }

    /** Only events of these servers (empty: every server). See {@link #withServers(String...)}. */
    public EventFilter withServers(Collection<String> servers) {
        return new EventFilter(types, promptIds, copy(servers, "server"));
    }

    /** The types let through; empty for any. */
    public Set<EventType> types() {
        return types;
    }

    /** The prompt ids let through; empty for any. */
    public Set<String> promptIds() {
        return promptIds;
    }

    /** The server names let through; empty for any. */
    public Set<String> servers() {
        return servers;
    }

    /** Whether events of the given server may pass. */
    public boolean acceptsServer(String server) {
        return servers.isEmpty() || servers.contains(server);
    }

    @Override
    public boolean test(ComfyEvent event) {
        if (!acceptsServer(event.server())) {
            return false;
        }
        if (event instanceof ComfyEvent.EventsMissed) {
            return true;
        }
        return (types.isEmpty() || types.contains(event.type()))
                && (promptIds.isEmpty() || event.promptId() != null && promptIds.contains(event.promptId()));
    }

    private static Set<String> copy(Collection<String> values, String what) {
        Set<String> set = new LinkedHashSet<>();
        for (String value : values) {
            Objects.requireNonNull(value, what);
            if (value.isBlank()) {
                throw new IllegalArgumentException("An event filter's " + what + " must not be blank");
            }
            set.add(value.strip());
        }
        return Set.copyOf(set);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EventFilter other && types.equals(other.types) && promptIds.equals(other.promptIds)
                && servers.equals(other.servers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(types, promptIds, servers);
    }

    @Override
    public String toString() {
        return "EventFilter[types=" + (types.isEmpty() ? "any" : types) + ", promptIds="
                + (promptIds.isEmpty() ? "any" : promptIds) + ", servers=" + (servers.isEmpty() ? "any" : servers)
                + "]";
    }
}
