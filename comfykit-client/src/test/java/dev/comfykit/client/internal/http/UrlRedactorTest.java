package dev.comfykit.client.internal.http;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * URLs go into messages and logs only with their credentials hidden.
 */
class UrlRedactorTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "http://user:pw@host/x | http://****@host/x",
            "https://token@host:8443/a/b.json | https://****@host:8443/a/b.json",
            "https://host/w.json?token=abc | https://host/w.json?token=****",
            "https://host/w.json?a=1&key=abc&b=2 | https://host/w.json?a=1&key=****&b=2",
            "https://host/w?apikey=1&api_key=2&access_token=3 | https://host/w?apikey=****&api_key=****&access_token=****",
            "https://host/w?signature=1&sig=2&password=3#frag | https://host/w?signature=****&sig=****&password=****#frag",
            "https://host/w?X-Amz-Signature=1&x_api_key=2 | https://host/w?X-Amz-Signature=****&x_api_key=****",
            "https://host/w?TOKEN=abc | https://host/w?TOKEN=****",
            "https://host/w.json?width=512&keyframe=1 | https://host/w.json?width=512&keyframe=1",
            "https://host/plain/path | https://host/plain/path",
    })
    void hidesUserInfoAndSecretQueryValues(String url, String redacted) {
        assertThat(UrlRedactor.redact(url)).isEqualTo(redacted);
    }

    @org.junit.jupiter.api.Test
    void redactsAUrlInsideAMessage() {
        assertThat(UrlRedactor.redactIn("GET https://u:p@h/x?key=s failed", "https://u:p@h/x?key=s"))
                .isEqualTo("GET https://****@h/x?key=**** failed");
    }
}
