package dev.comfykit.client.internal.http;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides credentials in a URL before it goes into an exception message or a log line: the user info
 * ({@code http://user:pw@host}) and the values of query parameters whose names hold secrets
 * ({@code token}, {@code key}, {@code apikey}, {@code api_key}, {@code access_token}, {@code signature}, {@code sig},
 * {@code password} and names ending in one of those).
 */
public final class UrlRedactor {

    private static final String MASK = "****";
    private static final Set<String> SECRET_NAMES = Set.of("token", "key", "apikey", "api_key", "api-key",
            "access_token", "signature", "sig", "password", "passwd", "pwd", "secret", "auth", "x-amz-signature",
            "x-amz-credential", "x-amz-security-token");
    private static final Pattern USER_INFO = Pattern.compile("^([A-Za-z][A-Za-z0-9+.\\-]*://)([^/?#@]*)@");
    private static final Pattern QUERY_PARAM = Pattern.compile("([?&;])([^=&;#]*)=([^&;#]*)");

    private UrlRedactor() {
    }

    /** The URL with credentials replaced by {@code ****}; {@code null} stays {@code null}. */
    public static String redact(Object url) {
        if (url == null) {
            return null;
        }
        String text = url.toString();
        Matcher user = USER_INFO.matcher(text);
        if (user.find()) {
            text = user.group(1) + MASK + "@" + text.substring(user.end());
        }
        Matcher query = QUERY_PARAM.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (query.find()) {
            String name = query.group(2);
            String value = isSecret(name) ? MASK : query.group(3);
            query.appendReplacement(sb, Matcher.quoteReplacement(query.group(1) + name + "=" + value));
        }
        query.appendTail(sb);
        return sb.toString();
    }

    /** Replaces every occurrence of the URL in a message (e.g. an exception's own text) with its redacted form. */
    public static String redactIn(String message, Object url) {
        if (message == null || url == null) {
            return message;
        }
        return message.replace(url.toString(), redact(url));
    }

    private static boolean isSecret(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (SECRET_NAMES.contains(lower)) {
            return true;
        }
        for (String secret : SECRET_NAMES) {
            if (secret.length() > 3 && (lower.endsWith("_" + secret) || lower.endsWith("-" + secret))) {
                return true;
            }
        }
        return false;
    }
}
