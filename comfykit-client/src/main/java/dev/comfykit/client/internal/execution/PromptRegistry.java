package dev.comfykit.client.internal.execution;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The prompts a client waits for, by prompt id. The one place where completion signals (events, polls, timeouts)
 * meet the executions waiting for them.
 */
final class PromptRegistry {

    private final ConcurrentHashMap<String, PendingPrompt> prompts = new ConcurrentHashMap<>();
    /** How many registered prompts get no events on this client's socket (kept so no lookup scans them all). */
    private final AtomicInteger withoutEvents = new AtomicInteger();

    /**
     * Adds a prompt before it is submitted, so that an event arriving before the submit answer is not lost.
     *
     * @throws IllegalStateException when the id is already awaited
     */
    PendingPrompt register(String promptId, long nowNanos, boolean eventsExpected) {
        PendingPrompt prompt = new PendingPrompt(promptId, nowNanos, eventsExpected);
        if (prompts.putIfAbsent(promptId, prompt) != null) {
            throw new IllegalStateException("Prompt " + promptId + " is already awaited by this client");
        }
        if (!eventsExpected) {
            withoutEvents.incrementAndGet();
        }
        prompt.outcome().whenComplete((o, e) -> remove(prompt));
        return prompt;
    }

    PendingPrompt get(String promptId) {
        return prompts.get(promptId);
    }

    void remove(PendingPrompt prompt) {
        if (prompts.remove(prompt.promptId(), prompt) && !prompt.eventsExpected()) {
            withoutEvents.decrementAndGet();
        }
    }

    /** Whether a registered prompt gets no events on this client's socket (it was not submitted by it). */
    boolean anyWithoutEvents() {
        return withoutEvents.get() > 0;
    }

    boolean isEmpty() {
        return prompts.isEmpty();
    }

    /** The prompts the server has accepted and that are not finished. */
    List<PendingPrompt> acknowledged() {
        List<PendingPrompt> list = new ArrayList<>();
        for (PendingPrompt prompt : prompts.values()) {
            if (prompt.acknowledged() && !prompt.isDone()) {
                list.add(prompt);
            }
        }
        return list;
    }

    Collection<PendingPrompt> all() {
        return new ArrayList<>(prompts.values());
    }
}
