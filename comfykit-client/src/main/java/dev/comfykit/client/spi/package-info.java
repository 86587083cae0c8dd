/**
 * The service provider interface: the seams the client is built from and that new backends, a pool of servers and
 * the durable job store ({@link dev.comfykit.client.jobs}) plug into. {@link dev.comfykit.client.spi.Backend} is where prompts run;
 * {@link dev.comfykit.client.spi.PromptRequest} is one prompt to run, as plain data.
 * <p>
 * Exported and stable like the rest of the API; the implementations live under {@code dev.comfykit.client.internal}.
 */
package dev.comfykit.client.spi;
