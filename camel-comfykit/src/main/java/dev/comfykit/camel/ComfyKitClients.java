package dev.comfykit.camel;

import dev.comfykit.client.ClientOption;
import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ComfyKitBuilder;
import dev.comfykit.client.ComfyKitConfig;
import org.apache.camel.CamelContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds {@link ComfyKit} clients from the component's options, the one mapping used by the component's endpoints
 * and by the Spring Boot starter's client bean. The mapping is the client's option table ({@link ClientOption}):
 * each option that the component offers is read by its component name, so a new option needs no code here.
 */
public final class ComfyKitClients {

    // Camel's generated configurer reads an option by name without reflection
    private static final ComfyKitConfigurationConfigurer CONFIGURER = new ComfyKitConfigurationConfigurer();

    /** The client options that the component offers, in the table's order. */
    private static final List<ClientOption<?>> OPTIONS = ClientOption.all().stream()
            .filter(option -> option.componentName().isPresent()).toList();

    static {
        // a client option the component lacks would silently read as null: fail at once instead
        for (ClientOption<?> option : OPTIONS) {
            if (CONFIGURER.getOptionType(option.componentName().orElseThrow(), false) == null) {
                throw new IllegalStateException("ComfyKitConfiguration has no option " + option.componentName()
                        .orElseThrow() + " for the client option " + option.name());
            }
        }
    }

    private ComfyKitClients() {
    }

    /** The client options that the component (and the starter) offer, each under its {@code componentName()}. */
    public static List<ClientOption<?>> options() {
        return OPTIONS;
    }

    /**
     * Whether a component option (by its component name, e.g. {@code cookieSecret}) is one of the client's. The name
     * is matched as Camel's configurers match URI options: case and dashes aside ({@code comfyui-url}).
     */
    public static boolean isClientOption(String name) {
        return OPTIONS.stream().anyMatch(option -> sameOptionName(option.componentName().orElseThrow(), name));
    }

    /**
     * Copies a client's resolved options into a configuration, so that an endpoint which changes a few connection
     * options on its URI starts from the client the component uses (not from the component's own defaults).
     */
    public static void copyOptions(CamelContext context, ComfyKitConfig from, ComfyKitConfiguration to) {
        for (ClientOption<?> option : OPTIONS) {
            Object value = from.get(option);
            CONFIGURER.configure(context, to, option.componentName().orElseThrow(),
                    value instanceof Duration duration ? duration.toMillis() : value, false);
        }
        to.setJobStore(from.getJobStore());
    }

    /** Whether two option names are the same as Camel's configurers match URI options: case and dashes aside. */
    static boolean sameOptionName(String a, String b) {
        return normalized(a).equals(normalized(b));
    }

    private static String normalized(String name) {
        return name.replace("-", "").toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * A builder with the connection options of a configuration. Environment variables are not read: the
     * configuration is explicit (use placeholders such as {@code {{env:COMFYUI_BASE_URL}}} for the environment).
     */
    public static ComfyKitBuilder builder(ComfyKitConfiguration c) {
        ComfyKitBuilder builder = ComfyKit.builder().environment(name -> null);
        OPTIONS.forEach(option -> set(builder, option, c));
        return builder.jobStore(c.getJobStore());
    }

    /** The values of the options that make a client: configurations with equal values can share one. */
    public static List<Object> connectionOptions(ComfyKitConfiguration c) {
        List<Object> values = new ArrayList<>(OPTIONS.size());
        OPTIONS.forEach(option -> values.add(componentValue(c, option)));
        // a store is an object: clients share one only when they are given the same one
        values.add(c.getJobStore() == null ? null : new IdentityKey(c.getJobStore()));
        return values;
    }

    /**
     * The client-typed value of an option in a configuration: the component keeps durations as milliseconds (Camel's
     * convention), the client as {@link Duration}.
     */
    public static <T> T value(ComfyKitConfiguration c, ClientOption<T> option) {
        Object value = componentValue(c, option);
        if (option.type() == Duration.class && value instanceof Number millis) {
            return option.type().cast(Duration.ofMillis(millis.longValue()));
        }
        return option.type().cast(value);
    }

    /** Equal when it wraps the same object. */
    private record IdentityKey(Object value) {
        @Override
        public boolean equals(Object other) {
            return other instanceof IdentityKey key && key.value == value;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(value);
        }
    }

    private static <T> void set(ComfyKitBuilder builder, ClientOption<T> option, ComfyKitConfiguration c) {
        builder.set(option, value(c, option));
    }

    private static Object componentValue(ComfyKitConfiguration c, ClientOption<?> option) {
        return CONFIGURER.getOptionValue(c, option.componentName().orElseThrow(), false);
    }
}
