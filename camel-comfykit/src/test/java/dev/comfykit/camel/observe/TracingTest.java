package dev.comfykit.camel.observe;

import dev.comfykit.camel.ComfyKitComponent;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.telemetry.Span;
import org.apache.camel.telemetry.SpanContextPropagationExtractor;
import org.apache.camel.telemetry.SpanContextPropagationInjector;
import org.apache.camel.telemetry.SpanLifecycleManager;
import org.apache.camel.telemetry.Tracer;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With Camel's tracing on (camel-telemetry, here with a tracer that keeps its spans in memory, as camel-opentelemetry2
 * would export them), the span of a comfykit call carries the prompt id, the server and the outcome.
 */
class TracingTest extends CamelTestSupport {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    private final List<MemorySpan> spans = new CopyOnWriteArrayList<>();

    /** A span that keeps its tags. */
    static final class MemorySpan implements Span {
        final String name;
        final Map<String, String> tags = new ConcurrentHashMap<>();
        volatile boolean error;

        MemorySpan(String name) {
            this.name = name;
        }

        @Override
        public void log(Map<String, String> fields) {
        }

        @Override
        public void setTag(String key, String value) {
            tags.put(key, value);
        }

        @Override
        public void setComponent(String component) {
            tags.put("component", component);
        }

        @Override
        public void setError(boolean error) {
            this.error = error;
        }
    }

    /** camel-telemetry's tracer with the in-memory spans. */
    final class MemoryTracer extends Tracer {
        @Override
        protected void initTracer() {
            setSpanLifecycleManager(new SpanLifecycleManager() {
                @Override
                public Span create(String name, Span parent, SpanContextPropagationExtractor extractor) {
                    return new MemorySpan(name);
                }

                @Override
                public void activate(Span span) {
                }

                @Override
                public void deactivate(Span span) {
                }

                @Override
                public void close(Span span) {
                    spans.add((MemorySpan) span);
                }

                @Override
                public void inject(Span span, SpanContextPropagationInjector injector, boolean includeTracing) {
                }
            });
        }
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.getComponent("comfykit", ComfyKitComponent.class).getConfiguration().setComfyuiUrl(comfy.baseUrl());
        MemoryTracer tracer = new MemoryTracer();
        tracer.setCamelContext(context);
        tracer.init(context);
        return context;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:t2i").setHeader(ComfyKitSpanDecorator.JOB_ID_HEADER, constant("job-7"))
                        .to("comfykit:classpath:workflows/t2i.json?param.width=32&param.height=32");
            }
        };
    }

    private MemorySpan comfyKitSpan() {
        return spans.stream().filter(s -> "camel-comfykit".equals(s.tags.get("component"))).findFirst()
                .orElseThrow(() -> new AssertionError("no comfykit span among " + spans.size()));
    }

    @Test
    void theSpanOfACallCarriesThePromptIdJobIdAndServer() {
        String promptId = template.request("direct:t2i", e -> e.getMessage().setBody("a cat")).getMessage()
                .getHeader("CamelComfyKitPromptId", String.class);

        MemorySpan span = comfyKitSpan();
        assertThat(span.tags).containsEntry(ComfyKitSpanDecorator.PROMPT_ID, promptId)
                .containsEntry(ComfyKitSpanDecorator.JOB_ID, "job-7")
                .containsEntry(ComfyKitSpanDecorator.SERVER, comfy.baseUrl())
                .containsEntry(ComfyKitSpanDecorator.STATUS, "completed")
                .doesNotContainKey(ComfyKitSpanDecorator.ERROR_KIND);
        assertThat(span.error).isFalse();
    }

    @Test
    void aFailedCallsSpanSaysWhy() {
        comfy.faults().failNode("KSampler", "RuntimeError", "sampler exploded");

        template.request("direct:t2i", e -> e.getMessage().setBody("a dog"));

        MemorySpan span = comfyKitSpan();
        assertThat(span.error).isTrue();
        assertThat(span.tags).containsEntry(ComfyKitSpanDecorator.STATUS, "failed")
                .containsEntry(ComfyKitSpanDecorator.ERROR_KIND, "EXECUTION")
                .containsKey(ComfyKitSpanDecorator.PROMPT_ID);
    }
}
