package dev.comfykit.client.internal.http;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The rules every download of a URL that is not the ComfyUI server passes (a workflow, a media param, a cookie
 * file, and each redirect of those): http or https only, and, unless private URLs are allowed, a host that resolves
 * only to public addresses. Refused are hosts with any address that is loopback, link-local, private
 * (site-local, unique-local), carrier-grade NAT, unspecified or multicast, IPv4-mapped IPv6 forms of those, and IPv4
 * addresses written in a non-standard form ({@code 2130706433}, {@code 0177.0.0.1}, {@code 0x7f.0.0.1}), which
 * resolvers read differently.
 * <p>
 * The ComfyUI server's own URL is trusted configuration and never passes through here.
 */
public final class UrlGuard {

    /** Thrown when a URL is refused; the message names the URL (redacted), the reason and the option. */
    public static final class RefusedUrlException extends IOException {
        private static final long serialVersionUID = 1L;

        public RefusedUrlException(String message) {
            super(message);
        }
    }

    private static final String ALLOW_HINT = " Set allowPrivateUrls=true to fetch from private networks.";
    // digits, hex digits, x and dots only: a candidate for an IPv4 literal in some notation
    private static final Pattern NUMERIC_HOST = Pattern.compile("(?i)[0-9a-fx.]+");
    private static final Pattern DOTTED_DECIMAL = Pattern.compile(
            "(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})");

    private final boolean allowPrivate;
    private final HostResolver resolver;

    public UrlGuard(boolean allowPrivate, HostResolver resolver) {
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
    }

    /** The default rules: the system resolver, private addresses refused. */
    public static UrlGuard strict() {
        return new UrlGuard(false, HostResolver.SYSTEM);
    }

    public boolean allowsPrivate() {
        return allowPrivate;
    }

    /**
     * Checks a URL. Resolves its host (may block on DNS).
     *
     * @throws RefusedUrlException for a URL the rules refuse, or a host that does not resolve
     */
    public void check(URI uri) throws RefusedUrlException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new RefusedUrlException("Refusing to fetch " + UrlRedactor.redact(uri)
                    + ": only http and https URLs can be downloaded.");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            // java.net.URI leaves hosts like 0x7f.0.0.1 or 127.1 unparsed: name them if they are odd IPv4 forms
            String raw = hostOfAuthority(uri.getRawAuthority());
            String odd = raw == null ? null : oddIpv4Form(raw);
            throw new RefusedUrlException("Refusing to fetch " + UrlRedactor.redact(uri) + (odd == null
                    ? ": the URL has no host." : ": the host " + raw + " is an IPv4 address in a non-standard form ("
                    + odd + "), which resolvers read differently; write the address as four decimal numbers"
                    + " (a.b.c.d)."));
        }
        if (allowPrivate) {
            return;
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String odd = oddIpv4Form(host);
        if (odd != null) {
            throw new RefusedUrlException("Refusing to fetch " + UrlRedactor.redact(uri) + ": the host " + host
                    + " is an IPv4 address in a non-standard form (" + odd + "), which resolvers read differently;"
                    + " write the address as four decimal numbers (a.b.c.d).");
        }
        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw new RefusedUrlException("Cannot fetch " + UrlRedactor.redact(uri) + ": the host " + host
                    + " does not resolve.");
        }
        if (addresses == null || addresses.isEmpty()) {
            throw new RefusedUrlException("Cannot fetch " + UrlRedactor.redact(uri) + ": the host " + host
                    + " does not resolve.");
        }
        for (InetAddress address : addresses) {
            String kind = nonPublicKind(address);
            if (kind != null) {
                throw new RefusedUrlException("Refusing to fetch " + UrlRedactor.redact(uri) + ": the host resolves"
                        + " to " + kind + " (" + address.getHostAddress() + ")." + ALLOW_HINT);
            }
        }
    }

    private static String hostOfAuthority(String authority) {
        if (authority == null) {
            return null;
        }
        String host = authority.substring(authority.lastIndexOf('@') + 1);
        int colon = host.lastIndexOf(':');
        return colon < 0 || host.startsWith("[") ? host : host.substring(0, colon);
    }

    /**
     * Why an address is not public ("a loopback address", ...), or {@code null} for a public address.
     */
    static String nonPublicKind(InetAddress address) {
        InetAddress judged = embeddedIpv4(address);
        if (judged.isAnyLocalAddress()) {
            return "an unspecified address";
        }
        if (judged.isLoopbackAddress()) {
            return "a loopback address";
        }
        if (judged.isLinkLocalAddress()) {
            return "a link-local address";
        }
        if (judged.isSiteLocalAddress()) {
            return "a private address";
        }
        if (judged.isMulticastAddress()) {
            return "a multicast address";
        }
        byte[] b = judged.getAddress();
        if (judged instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            if (first == 0) {
                return "an unspecified address";
            }
            if (first == 100 && second >= 64 && second < 128) {
                return "a private address"; // carrier-grade NAT, 100.64.0.0/10
            }
            if (first >= 240) {
                return "a reserved address"; // 240.0.0.0/4 and the broadcast address
            }
        } else if ((b[0] & 0xfe) == 0xfc) {
            return "a private address"; // unique local, fc00::/7
        }
        return null;
    }

    /** The IPv4 address inside an IPv4-mapped ({@code ::ffff:a.b.c.d}) or -compatible IPv6 address, or the address. */
    private static InetAddress embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] b = address.getAddress();
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return address;
            }
        }
        boolean mapped = (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = b[10] == 0 && b[11] == 0 && !(b[12] == 0 && b[13] == 0 && b[14] == 0);
        if (!mapped && !compatible) {
            return address;
        }
        try {
            return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }

    /**
     * A description of a host that looks like an IPv4 address but is not plain dotted decimal (a single number,
     * fewer than four parts, octal with a leading zero, or hex), or {@code null}.
     */
    static String oddIpv4Form(String host) {
        if (!NUMERIC_HOST.matcher(host).matches() || DOTTED_DECIMAL.matcher(host).matches()) {
            return null;
        }
        String[] parts = host.endsWith(".") ? host.substring(0, host.length() - 1).split("\\.", -1)
                : host.split("\\.", -1);
        if (parts.length > 4) {
            return null;
        }
        for (String part : parts) {
            if (!part.matches("(?i)0x[0-9a-f]*|[0-9]+")) {
                return null; // a name made of hex letters, like "cafe.face": a DNS name, resolved as such
            }
        }
        for (String part : parts) {
            if (part.toLowerCase(Locale.ROOT).startsWith("0x")) {
                return "hexadecimal";
            }
        }
        for (String part : parts) {
            if (part.length() > 1 && part.startsWith("0")) {
                return "octal";
            }
        }
        return parts.length == 1 ? "a single decimal number" : "fewer than four parts";
    }
}
