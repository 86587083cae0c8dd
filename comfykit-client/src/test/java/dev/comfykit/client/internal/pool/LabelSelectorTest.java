package dev.comfykit.client.internal.pool;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabelSelectorTest {

    private static final Map<String, String> A100 = Map.of("gpu", "a100", "vram", "48", "zone", "eu");

    @Test
    void matchesWhenEveryPairIsCarried() {
        assertThat(LabelSelector.parse("gpu=a100,vram=48").matches(A100)).isTrue();
        assertThat(LabelSelector.parse(" gpu = a100 , ").matches(A100)).isTrue();
        assertThat(LabelSelector.parse("gpu=a100,vram=24").matches(A100)).isFalse();
        assertThat(LabelSelector.parse("gpu=A100").matches(A100)).as("values are exact").isFalse();
        assertThat(LabelSelector.parse("rack=3").matches(A100)).isFalse();
    }

    @Test
    void aBareKeyAsksOnlyForTheLabel() {
        assertThat(LabelSelector.parse("zone").matches(A100)).isTrue();
        assertThat(LabelSelector.parse("rack").matches(A100)).isFalse();
    }

    @Test
    void emptyMatchesEverything() {
        assertThat(LabelSelector.parse(null).matches(Map.of())).isTrue();
        assertThat(LabelSelector.parse("  ").isAny()).isTrue();
        assertThat(LabelSelector.ANY.matches(A100)).isTrue();
    }

    @Test
    void labelsAreWrittenLikeSelectors() {
        assertThat(LabelSelector.parseLabels("gpu=a100,fast")).isEqualTo(Map.of("gpu", "a100", "fast", ""));
        assertThat(LabelSelector.parse("gpu=a100,fast").toString()).isEqualTo("gpu=a100,fast");
    }

    @Test
    void refusesEmptyKeysAndContradictions() {
        assertThatThrownBy(() -> LabelSelector.parse("=a100")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LabelSelector.parse("gpu=a100,gpu=h100"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gpu twice");
    }
}
