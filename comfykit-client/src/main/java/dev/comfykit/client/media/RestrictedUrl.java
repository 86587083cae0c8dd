package dev.comfykit.client.media;

import java.net.URI;
import java.util.Objects;
import java.util.function.Function;

/**
 * A URL that a {@link dev.comfykit.client.MediaPolicy} allowed, with the rule that every redirect of its download
 * must pass too (so an allowed prefix cannot redirect elsewhere).
 *
 * @param uri  the URL to fetch
 * @param rule the refusal reason for a URL (the first one and every redirect), or {@code null} when it is allowed
 */
public record RestrictedUrl(URI uri, Function<URI, String> rule) {

    public RestrictedUrl {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(rule, "rule");
    }

    @Override
    public String toString() {
        return uri.toString();
    }
}
