package dev.comfykit.camel;

import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ComfyKitBuilder;
import dev.comfykit.client.ExecutorType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Builds {@link ComfyKit} clients from the component's options, the one mapping used by the component's endpoints
 * and by the Spring Boot starter's client bean.
 */
public final class ComfyKitClients {

    /** One connection option: how to read it from a configuration and give it to a client builder. */
    private static final class Option<T> {
        final Function<ComfyKitConfiguration, T> read;
        final BiConsumer<ComfyKitBuilder, T> apply;

        Option(Function<ComfyKitConfiguration, T> read, BiConsumer<ComfyKitBuilder, T> apply) {
            this.read = read;
            this.apply = apply;
        }

        void applyTo(ComfyKitBuilder builder, ComfyKitConfiguration c) {
            apply.accept(builder, read.apply(c));
        }
    }

    /** Every option that makes a client: the builder and the identity of shared clients both come from this list. */
    private static final List<Option<?>> OPTIONS = List.of(
            new Option<String>(ComfyKitConfiguration::getComfyuiUrl, ComfyKitBuilder::comfyuiUrl),
            new Option<ExecutorType>(ComfyKitConfiguration::getExecutorType, ComfyKitBuilder::executorType),
            new Option<String>(ComfyKitConfiguration::getApiKey, ComfyKitBuilder::apiKey),
            new Option<String>(ComfyKitConfiguration::getCookieSecret, ComfyKitBuilder::cookies),
            new Option<String>(ComfyKitConfiguration::getRunninghubUrl, ComfyKitBuilder::runninghubUrl),
            new Option<String>(ComfyKitConfiguration::getRunninghubApiKey, ComfyKitBuilder::runninghubApiKey),
            new Option<Long>(ComfyKitConfiguration::getRunninghubTimeout,
                    (b, v) -> b.runninghubTimeout(Duration.ofMillis(v))),
            new Option<Integer>(ComfyKitConfiguration::getRunninghubRetryCount, ComfyKitBuilder::runninghubRetryCount),
            new Option<String>(ComfyKitConfiguration::getRunninghubInstanceType,
                    ComfyKitBuilder::runninghubInstanceType),
            new Option<Long>(ComfyKitConfiguration::getRunninghubPollInterval,
                    (b, v) -> b.runninghubPollInterval(Duration.ofMillis(v))),
            new Option<Integer>(ComfyKitConfiguration::getRunninghubMaxConcurrency,
                    ComfyKitBuilder::runninghubMaxConcurrency),
            new Option<Long>(ComfyKitConfiguration::getTimeout, (b, v) -> b.timeout(Duration.ofMillis(v))),
            new Option<Long>(ComfyKitConfiguration::getConnectTimeout,
                    (b, v) -> b.connectTimeout(Duration.ofMillis(v))),
            new Option<Long>(ComfyKitConfiguration::getRequestTimeout,
                    (b, v) -> b.requestTimeout(Duration.ofMillis(v))),
            new Option<Long>(ComfyKitConfiguration::getMaxUploadBytes, ComfyKitBuilder::maxUploadBytes),
            new Option<Boolean>(ComfyKitConfiguration::isAllowPrivateUrls, ComfyKitBuilder::allowPrivateUrls));

    private ComfyKitClients() {
    }

    /**
     * A builder with the connection options of a configuration. Environment variables are not read: the
     * configuration is explicit (use placeholders such as {@code {{env:COMFYUI_BASE_URL}}} for the environment).
     */
    public static ComfyKitBuilder builder(ComfyKitConfiguration c) {
        ComfyKitBuilder builder = ComfyKit.builder().environment(name -> null);
        OPTIONS.forEach(option -> option.applyTo(builder, c));
        return builder;
    }

    /** The values of the options that make a client: configurations with equal values can share one. */
    public static List<Object> connectionOptions(ComfyKitConfiguration c) {
        List<Object> values = new ArrayList<>(OPTIONS.size());
        OPTIONS.forEach(option -> values.add(option.read.apply(c)));
        return values;
    }
}
