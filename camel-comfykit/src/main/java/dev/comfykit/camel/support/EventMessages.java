package dev.comfykit.camel.support;

import dev.comfykit.camel.ComfyKitConstants;
import dev.comfykit.client.events.ComfyEvent;
import org.apache.camel.Message;

/** An event as a Camel message: the typed event as the body, the {@code CamelComfyKit*} event headers. */
public final class EventMessages {

    private EventMessages() {
    }

    /** Sets the body and the event headers (a header whose value is unknown is left as it was). */
    public static void fill(Message message, ComfyEvent event) {
        message.setBody(event);
        message.setHeader(ComfyKitConstants.EVENT_TYPE, event.type().wireName());
        message.setHeader(ComfyKitConstants.SERVER, event.server());
        if (event.promptId() != null) {
            message.setHeader(ComfyKitConstants.PROMPT_ID, event.promptId());
        }
        if (event.node() != null) {
            message.setHeader(ComfyKitConstants.NODE, event.node());
        }
        if (event instanceof ComfyEvent.EventsMissed) {
            message.setHeader(ComfyKitConstants.EVENTS_MISSED, Boolean.TRUE);
        }
    }
}
