package dev.comfykit.client;

import dev.comfykit.client.media.UntrustedMediaPolicy;

/**
 * Decides what a text value of a media param means when it comes from a source that is not trusted (an HTTP query
 * parameter, a JSON body, a broker message): the name of a file already on the server, a local file that may be
 * uploaded, or a URL that may be fetched. A value the policy refuses fails before anything is read or fetched.
 * <p>
 * Values given through the Java API are trusted: a {@code String} there may name a local file or an http(s) URL.
 * Code that passes untrusted text on (a controller, a message listener) resolves it through a policy first:
 * <pre>{@code
 * MediaPolicy policy = MediaPolicy.serverFilesOnly();
 * params.put("image", policy.resolve("image", request.getParameter("image")));
 * }</pre>
 * The Camel component applies {@link #untrusted()} (configured by its {@code allowedMedia*} options) to every
 * text that a message gives for a media param.
 */
@FunctionalInterface
public interface MediaPolicy {

    /**
     * What an untrusted text given for a media param stands for.
     *
     * @param param the media param's name (for messages)
     * @param text  the value as received
     * @return a value for the param: a {@link ServerFile}, or a local file or URL the policy allows (as an object the
     *         client uploads or fetches)
     * @throws InvalidParameterException when the policy refuses the text; the message names the option that would
     *                                   allow it
     */
    Object resolve(String param, String text);

    /**
     * The safe default: a text is only ever the name of a file already in the server's input folder; local paths,
     * {@code file:} and http(s) URLs are refused. {@code data:} URIs are decoded (they carry the bytes themselves)
     * up to {@link ComfyKitConfig#DEFAULT_MAX_UPLOAD_BYTES}.
     */
    static MediaPolicy serverFilesOnly() {
        return untrusted().build();
    }

    /** A policy that may allow local files under chosen directories and URLs under chosen prefixes. */
    static UntrustedMediaPolicy.Builder untrusted() {
        return UntrustedMediaPolicy.builder();
    }
}
