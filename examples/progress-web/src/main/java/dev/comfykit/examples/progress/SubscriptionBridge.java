package dev.comfykit.examples.progress;

import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.events.ComfyEvent;
import dev.comfykit.client.events.EventFilter;
import dev.comfykit.client.events.EventSubscription;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** INTERIM until the component's progressUri: the client's events, routed to jobs by prompt id. */
final class SubscriptionBridge implements AutoCloseable {

    private final JobHub hub;
    private final PageEvents pageEvents;
    private final Map<String, JobHub.Job> byPrompt = new LinkedHashMap<>();
    private final Map<String, List<ComfyEvent>> unclaimed = new LinkedHashMap<>();
    private final EventSubscription subscription;

    SubscriptionBridge(ComfyKit kit, JobHub hub) {
        this.hub = hub;
        this.pageEvents = new PageEvents(hub);
        this.subscription = kit.subscribe(EventFilter.all(), this::route);
    }

    synchronized void link(JobHub.Job job, String promptId) {
        byPrompt.put(promptId, job);
        List<ComfyEvent> early = unclaimed.remove(promptId);
        if (early != null) {
            early.forEach(event -> pageEvents.publish(job, event));
        }
    }

    private synchronized void route(ComfyEvent event) {
        if (event.promptId() == null) {
            byPrompt.values().stream().filter(job -> !job.ended()).forEach(job -> pageEvents.publish(job, event));
            return;
        }
        JobHub.Job job = byPrompt.get(event.promptId());
        if (job != null) {
            pageEvents.publish(job, event);
        } else {
            if (unclaimed.size() > 100) {
                unclaimed.remove(unclaimed.keySet().iterator().next());
            }
            unclaimed.computeIfAbsent(event.promptId(), id -> new ArrayList<>()).add(event);
        }
    }

    @Override
    public void close() {
        subscription.close();
    }
}
