package dev.comfykit.client.internal.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every URL fetched for a workflow, a media param or a cookie file (and every redirect) passes the guard: http(s)
 * only, and by default no host that resolves to a loopback, link-local, private, unspecified or multicast address,
 * however the address is written.
 */
class UrlGuardTest {

    /** Answers names from a fixed table, literals as themselves: no DNS in these tests. */
    private static HostResolver table(String name, String... addresses) {
        return host -> {
            if (!host.equalsIgnoreCase(name)) {
                return List.of(InetAddress.getByName(host)); // a literal: parsed, never looked up
            }
            List<InetAddress> resolved = new ArrayList<>();
            for (String address : addresses) {
                resolved.add(InetAddress.getByName(address));
            }
            return resolved;
        };
    }

    private static final UrlGuard STRICT = new UrlGuard(false, table("public.example", "93.184.216.34"));

    @ParameterizedTest(name = "{0} is refused as {1}")
    @CsvSource({
            "http://127.0.0.1:8080/x, a loopback address",
            "http://127.1.2.3/x, a loopback address",
            "http://10.0.0.5/x, a private address",
            "http://172.16.0.1/x, a private address",
            "http://172.31.255.255/x, a private address",
            "http://192.168.1.1/x, a private address",
            "http://100.64.0.1/x, a private address",
            "http://169.254.169.254/latest/meta-data/, a link-local address",
            "http://0.0.0.0/x, an unspecified address",
            "http://224.0.0.1/x, a multicast address",
            "http://[::1]/x, a loopback address",
            "http://[::]/x, an unspecified address",
            "http://[fe80::1]/x, a link-local address",
            "http://[fc00::1]/x, a private address",
            "http://[fd12:3456::1]/x, a private address",
            "http://[ff02::1]/x, a multicast address",
            "http://[::ffff:127.0.0.1]/x, a loopback address",
            "http://[::ffff:169.254.169.254]/x, a link-local address",
            "http://[::ffff:10.0.0.1]/x, a private address",
    })
    void refusesNonPublicAddresses(String url, String kind) {
        assertThatThrownBy(() -> STRICT.check(URI.create(url)))
                .isInstanceOf(UrlGuard.RefusedUrlException.class)
                .hasMessageContaining("Refusing to fetch " + url)
                .hasMessageContaining("resolves to " + kind)
                .hasMessageContaining("Set allowPrivateUrls=true");
    }

    @Test
    void theMessageNamesTheUrlTheKindTheAddressAndTheOption() {
        assertThatThrownBy(() -> STRICT.check(URI.create("http://127.0.0.1:8080/x")))
                .hasMessage("Refusing to fetch http://127.0.0.1:8080/x: the host resolves to a loopback address"
                        + " (127.0.0.1). Set allowPrivateUrls=true to fetch from private networks.");
    }

    @Test
    void anIpv4MappedIpv6AddressFromTheResolverIsJudgedByItsIpv4Part() throws Exception {
        // the JDK turns ::ffff:a.b.c.d into an Inet4Address; a resolver may still hand over the 16-byte form
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1};
        InetAddress sixteenBytes = java.net.Inet6Address.getByAddress(null, mapped, -1);
        UrlGuard guard = new UrlGuard(false, host -> List.of(sixteenBytes));

        assertThatThrownBy(() -> guard.check(URI.create("http://mapped.example/x")))
                .hasMessageContaining("a loopback address");
    }

    @Test
    void aNameIsRefusedWhenAnyOfItsAddressesIsPrivate() {
        UrlGuard guard = new UrlGuard(false, table("rebind.example", "93.184.216.34", "10.1.2.3"));

        assertThatThrownBy(() -> guard.check(URI.create("https://rebind.example/w.json")))
                .hasMessageContaining("a private address (10.1.2.3)");
    }

    @Test
    void aNameThatResolvesToLoopbackIsRefused() {
        UrlGuard guard = new UrlGuard(false, table("localhost", "127.0.0.1", "::1"));

        assertThatThrownBy(() -> guard.check(URI.create("http://localhost:8188/x")))
                .hasMessageContaining("a loopback address");
    }

    @ParameterizedTest(name = "{0} is refused ({1})")
    @CsvSource({
            "http://2130706433/x, a single decimal number",
            "http://0177.0.0.1/x, octal",
            "http://0x7f.0.0.1/x, hexadecimal",
            "http://0x7f000001/x, hexadecimal",
            "http://127.1/x, fewer than four parts",
            "http://017700000001/x, octal",
            "http://010.0.0.1/x, octal",
    })
    void refusesIpv4AddressesInNonStandardForms(String url, String form) {
        assertThatThrownBy(() -> STRICT.check(URI.create(url)))
                .isInstanceOf(UrlGuard.RefusedUrlException.class)
                .hasMessageContaining("non-standard form (" + form + ")");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://public.example/w.json", "http://93.184.216.34/x", "http://[2606:2800::1]/x",
            "https://public.example:8443/a?b=c"})
    void allowsPublicAddresses(String url) {
        assertThatCode(() -> STRICT.check(URI.create(url))).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"file:///etc/passwd", "ftp://public.example/x", "jar:file:/x.jar!/y", "gopher://h/x"})
    void refusesSchemesOtherThanHttpAndHttps(String url) {
        assertThatThrownBy(() -> STRICT.check(URI.create(url)))
                .hasMessageContaining("only http and https URLs can be downloaded");
        assertThatThrownBy(() -> new UrlGuard(true, HostResolver.SYSTEM).check(URI.create(url)))
                .hasMessageContaining("only http and https URLs can be downloaded");
    }

    @Test
    void allowPrivateUrlsAllowsPrivateHostsButNotOtherSchemes() {
        UrlGuard lenient = new UrlGuard(true, host -> {
            throw new AssertionError("no lookup needed when private hosts are allowed");
        });

        assertThatCode(() -> lenient.check(URI.create("http://127.0.0.1:8080/x"))).doesNotThrowAnyException();
        assertThatCode(() -> lenient.check(URI.create("http://[::1]/x"))).doesNotThrowAnyException();
    }

    @Test
    void aHostThatDoesNotResolveIsRefusedWithoutAGuess() {
        UrlGuard guard = new UrlGuard(false, host -> {
            throw new UnknownHostException(host);
        });

        assertThatThrownBy(() -> guard.check(URI.create("https://nowhere.invalid/x")))
                .hasMessageContaining("the host nowhere.invalid does not resolve");
    }

    @Test
    void theMessageNeverShowsCredentials() {
        assertThatThrownBy(() -> STRICT.check(URI.create("http://user:secret@127.0.0.1/x?token=abc")))
                .hasMessageNotContaining("secret").hasMessageNotContaining("abc")
                .hasMessageContaining("http://****@127.0.0.1/x?token=****");
    }

    @Test
    void hostNamesMadeOfHexLettersAreNamesNotNumbers() {
        assertThat(UrlGuard.oddIpv4Form("cafe.face")).isNull();
        assertThat(UrlGuard.oddIpv4Form("1.2.3.4")).isNull();
        assertThat(UrlGuard.oddIpv4Form("0.0.0.0")).isNull();
    }
}
