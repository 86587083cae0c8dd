package dev.comfykit.client.internal.http;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CookiesTest {

    @Test
    void jsonObjectForm() {
        assertThat(Cookies.header(Cookies.parse("{\"session\": \"abc\", \"n\": 1}"))).isEqualTo("session=abc; n=1");
    }

    @Test
    void keyValueForm() {
        assertThat(Cookies.parse(" a=1; b = two ;; c=x=y ")).isEqualTo(Map.of("a", "1", "b", "two", "c", "x=y"));
    }

    @Test
    void urlFormIsRecognised() {
        assertThat(Cookies.isUrl("https://auth.example/cookies.txt")).isTrue();
        assertThat(Cookies.isUrl("a=b")).isFalse();
    }

    @Test
    void malformedValuesAreRejectedWithoutEchoingThem() {
        assertThatThrownBy(() -> Cookies.parse("{\"session\": secret-value"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("secret-value");
        assertThatThrownBy(() -> Cookies.parse("=secret-value"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("secret-value");
    }
}
