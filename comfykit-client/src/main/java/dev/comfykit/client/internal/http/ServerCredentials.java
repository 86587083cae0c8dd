package dev.comfykit.client.internal.http;

import dev.comfykit.client.internal.execution.Failures;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The credentials sent to the ComfyUI server, and only to it: {@code Authorization: Bearer <api key>} and the
 * {@code Cookie} header. A cookies option given as a URL is fetched once, on first use, with a plain request.
 * {@link #toString()} never shows a secret.
 */
public final class ServerCredentials {

    private static final int MAX_COOKIE_FILE_BYTES = 1 << 20;

    private final String apiKey;
    private final String cookies;
    private final UrlFetcher fetcher;
    private volatile CompletableFuture<List<String>> headers;

    public ServerCredentials(String apiKey, String cookies, UrlFetcher fetcher) {
        this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
        this.cookies = cookies == null || cookies.isBlank() ? null : cookies.trim();
        this.fetcher = fetcher;
        if (this.cookies != null && !Cookies.isUrl(this.cookies)) {
            // parse now so that a malformed option fails at start-up, not at the first request
            this.headers = CompletableFuture.completedFuture(build(Cookies.header(Cookies.parse(this.cookies))));
        } else if (this.cookies == null) {
            this.headers = CompletableFuture.completedFuture(build(null));
        }
    }

    /**
     * The cookies URL could not be fetched or its body is not cookies; the message names the URL (redacted) and the
     * option, never the cookie values.
     */
    public static final class CookiesUnavailableException extends IOException {
        private static final long serialVersionUID = 1L;

        CookiesUnavailableException(String url, Throwable cause) {
            super("Cannot read the cookies from " + UrlRedactor.redact(url) + " (the cookies option, COMFYUI_COOKIES): "
                    + UrlRedactor.redactIn(Failures.message(cause), url)
                    + ". Fix the URL, or give the cookies inline as name1=value1; name2=value2.", cause);
        }
    }

    /** The api key, or {@code null}. */
    public String apiKey() {
        return apiKey;
    }

    /** Header names and values, alternating, once the cookies are known. */
    public CompletableFuture<List<String>> headers() {
        CompletableFuture<List<String>> current = headers;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (headers != null) {
                return headers;
            }
            CompletableFuture<List<String>> fetched = fetcher.fetch(URI.create(cookies), MAX_COOKIE_FILE_BYTES)
                    .thenApply(f -> build(Cookies.header(Cookies.parse(new String(f.body(),
                            StandardCharsets.UTF_8)))))
                    .exceptionallyCompose(e -> CompletableFuture.failedFuture(
                            new CookiesUnavailableException(cookies, Failures.unwrap(e))));
            headers = fetched;
            // a failed fetch is retried on the next request instead of being remembered forever (a fetch refused at
            // once fails here, synchronously: return the local future, never the field it may have just cleared)
            fetched.whenComplete((h, e) -> {
                if (e != null) {
                    synchronized (this) {
                        if (headers == fetched) {
                            headers = null;
                        }
                    }
                }
            });
            return fetched;
        }
    }

    private List<String> build(String cookieHeader) {
        List<String> list = new ArrayList<>(4);
        if (apiKey != null) {
            list.add("Authorization");
            list.add("Bearer " + apiKey);
        }
        if (cookieHeader != null && !cookieHeader.isEmpty()) {
            list.add("Cookie");
            list.add(cookieHeader);
        }
        return List.copyOf(list);
    }

    @Override
    public String toString() {
        return "ServerCredentials[apiKey=" + (apiKey == null ? "none" : "****") + ", cookies="
                + (cookies == null ? "none" : Cookies.isUrl(cookies) ? "from URL" : "****") + "]";
    }
}
