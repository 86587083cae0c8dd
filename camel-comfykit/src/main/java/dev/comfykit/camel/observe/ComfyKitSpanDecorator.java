package dev.comfykit.camel.observe;

import dev.comfykit.camel.ComfyKitComponent;
import dev.comfykit.camel.ComfyKitConstants;
import dev.comfykit.camel.ComfyKitFailureException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.telemetry.Span;
import org.apache.camel.telemetry.decorators.AbstractSpanDecorator;

/**
 * Adds what a {@code comfykit:} call did to its span in Camel's tracing (camel-telemetry and the tracers built on it:
 * camel-opentelemetry2, camel-micrometer-observability, camel-telemetry-dev): the prompt id, the job id, the server,
 * the status and why it failed, read from the result message's headers once the producer is done.
 * <p>
 * camel-telemetry finds it through {@code META-INF/services/org.apache.camel.telemetry.SpanDecorator} and only
 * then loads it; without camel-telemetry nothing refers to this class.
 */
public class ComfyKitSpanDecorator extends AbstractSpanDecorator {

    /** The span attribute of the prompt id (RunningHub: task id). */
    public static final String PROMPT_ID = "comfykit.prompt.id";
    /** The span attribute of the job id, when the exchange carries one. */
    public static final String JOB_ID = "comfykit.job.id";
    /** The span attribute of the server that ran the prompt. */
    public static final String SERVER = "comfykit.server";
    /** The span attribute of the execution's status: completed or failed. */
    public static final String STATUS = "comfykit.status";
    /** The span attribute of why the execution failed (an ErrorKind name). */
    public static final String ERROR_KIND = "comfykit.error.kind";

    /**
     * The header of a durable job's id. Named here rather than in {@link ComfyKitConstants} until the job store
     * (issue 15) declares it there; the span shows it whenever a route or the component sets it.
     */
    static final String JOB_ID_HEADER = "CamelComfyKitJobId";

    @Override
    public String getComponent() {
        return "comfykit";
    }

    @Override
    public String getComponentClassName() {
        return ComfyKitComponent.class.getName();
    }

    @Override
    public void afterTracingEvent(Span span, Exchange exchange) {
        super.afterTracingEvent(span, exchange);
        Message message = exchange.getMessage();
        tag(span, PROMPT_ID, message.getHeader(ComfyKitConstants.PROMPT_ID));
        tag(span, JOB_ID, message.getHeader(JOB_ID_HEADER));
        tag(span, SERVER, message.getHeader(ComfyKitConstants.SERVER));
        tag(span, STATUS, message.getHeader(ComfyKitConstants.STATUS));
        Object kind = message.getHeader(ComfyKitConstants.ERROR_KIND);
        if (kind == null && exchange.getException() instanceof ComfyKitFailureException failure) {
            kind = failure.getKind();
        }
        tag(span, ERROR_KIND, kind);
    }

    private static void tag(Span span, String name, Object value) {
        if (value != null) {
            span.setTag(name, value.toString());
        }
    }
}
