/**
 * What a ComfyUI server reports while prompts run, as typed events: {@link dev.comfykit.client.events.ComfyEvent}
 * (progress, node started and finished, preview images, queue status, a prompt's start, success or failure, and a
 * marker that events may have been missed), and how to listen to them:
 * {@link dev.comfykit.client.ComfyKit#subscribe(EventFilter, java.util.function.Consumer)}.
 * <p>
 * Subscriptions share the client's one WebSocket per server; they never open a connection of their own.
 */
package dev.comfykit.client.events;
