package dev.comfykit.examples.progress;

import dev.comfykit.client.events.ComfyEvent;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.util.Base64;

/**
 * Turns one event of a job (the body of an exchange from the component's {@code progressUri}) into an event on the
 * job's page stream: {@code started}, {@code node}, {@code progress}, {@code preview} (as a {@code data:} URI) and
 * {@code missed}. The end of a job ({@code done}, {@code failed}) is
 * published by the generation route, which has the image or the error.
 */
final class PageEvents implements Processor {

    private final JobHub hub;

    PageEvents(JobHub hub) {
        this.hub = hub;
    }

    @Override
    public void process(Exchange exchange) {
        JobHub.Job job = hub.job(exchange.getMessage().getHeader(ProgressWeb.JOB_ID, String.class)).orElse(null);
        ComfyEvent event = exchange.getMessage().getBody(ComfyEvent.class);
        if (job != null && event != null) {
            publish(job, event);
        }
    }

    /** Publishes one event of the job on its stream. */
    void publish(JobHub.Job job, ComfyEvent event) {
        if (event.promptId() != null) {
            hub.promptSubmitted(job, event.promptId());
        }
        if (event instanceof ComfyEvent.ExecutionStarted) {
            hub.running(job);
        } else if (event instanceof ComfyEvent.NodeStarted started) {
            hub.running(job);
            hub.publish(job, "node", JobHub.object().put("node", started.node()));
        } else if (event instanceof ComfyEvent.Progress progress) {
            hub.running(job);
            hub.publish(job, "progress", JobHub.object().put("node", progress.node())
                    .put("value", (long) progress.value()).put("max", (long) progress.max()));
        } else if (event instanceof ComfyEvent.Preview preview) {
            hub.publish(job, "preview", JobHub.object().put("src", "data:" + mimeType(preview) + ";base64,"
                    + Base64.getEncoder().encodeToString(preview.image())));
        } else if (event instanceof ComfyEvent.EventsMissed missed) {
            hub.publish(job, "missed", JobHub.object().put("reason", missed.reason()));
        }
    }

    /** Only the two image types a browser shows as they are; anything else is not put into a page. */
    private static String mimeType(ComfyEvent.Preview preview) {
        return "image/jpeg".equals(preview.mimeType()) ? "image/jpeg" : "image/png";
    }
}
