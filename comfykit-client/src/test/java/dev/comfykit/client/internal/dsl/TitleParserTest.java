package dev.comfykit.client.internal.dsl;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The title DSL of comfykit-behaviour.md §3: {@code $[~]name[.[~]field][!][:description]}.
 */
class TitleParserTest {

    @Test
    void seedMarkerSetsTheFieldOfTheSameNameAndIsOptional() {
        TitleMarker m = only("$seed");
        assertThat(m.name()).isEqualTo("seed");
        assertThat(m.field()).isEqualTo("seed");
        assertThat(m.hasExplicitField()).isFalse();
        assertThat(m.required()).isFalse();
        assertThat(m.media()).isFalse();
    }

    @Test
    void nameDotFieldSetsTheNamedField() {
        TitleMarker m = only("$prompt.text");
        assertThat(m.name()).isEqualTo("prompt");
        assertThat(m.field()).isEqualTo("text");
        assertThat(m.required()).isFalse();
    }

    @Test
    void exclamationMarkMakesTheParamRequired() {
        TitleMarker m = only("$prompt.text!");
        assertThat(m.required()).isTrue();
        assertThat(m.field()).isEqualTo("text");
    }

    @Test
    void tildeBeforeTheNameMakesAMediaParam() {
        TitleMarker m = only("$~image");
        assertThat(m.media()).isTrue();
        assertThat(m.name()).isEqualTo("image");
        assertThat(m.field()).isEqualTo("image");
    }

    @Test
    void tildeBeforeTheFieldMakesAMediaParam() {
        TitleMarker m = only("$img.~image");
        assertThat(m.media()).isTrue();
        assertThat(m.name()).isEqualTo("img");
        assertThat(m.field()).isEqualTo("image");
    }

    @Test
    void mediaAndRequiredCombine() {
        TitleMarker m = only("$~image!");
        assertThat(m.media()).isTrue();
        assertThat(m.required()).isTrue();
    }

    @Test
    void descriptionAfterColonIsIgnored() {
        TitleMarker m = only("$prompt.text!:The positive prompt");
        assertThat(m).isEqualTo(only("$prompt.text!"));
        assertThat(only("$seed:random seed")).isEqualTo(only("$seed"));
    }

    @Test
    void outputMarkerNamesAVariable() {
        TitleMarker m = only("$output.cover");
        assertThat(m.isOutput()).isTrue();
        assertThat(m.field()).isEqualTo("cover");
    }

    @Test
    void titleIsSplitOnCommasAndPartsAreTrimmed() {
        List<TitleMarker> markers = TitleParser.parse("Sampler , $seed,  $steps.steps , cfg: fixed");
        assertThat(markers).extracting(TitleMarker::name).containsExactly("seed", "steps");
    }

    @Test
    void partsWithoutDollarAreDisplayText() {
        assertThat(TitleParser.parse("KSampler")).isEmpty();
        assertThat(TitleParser.parse("Load Image, my picture")).isEmpty();
        assertThat(TitleParser.parse("")).isEmpty();
        assertThat(TitleParser.parse(null)).isEmpty();
    }

    @Test
    void aDollarInsideDisplayTextIsNotAMarker() {
        assertThat(TitleParser.parse("costs 5$ per run")).isEmpty();
    }

    @Test
    void anInvalidMarkerIsReportedWithTheGrammar() {
        assertThatThrownBy(() -> TitleParser.parse("$prompt..text"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("$prompt..text")
                .hasMessageContaining("$[~]name[.[~]field][!][:description]");
        assertThatThrownBy(() -> TitleParser.parse("$")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TitleParser.parse("$9lives")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TitleParser.parse("$a b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fieldsMayContainDigitsAndHyphens() {
        assertThat(only("$clip.clip_name1").field()).isEqualTo("clip_name1");
        assertThat(only("$x.field-2").field()).isEqualTo("field-2");
    }

    @Test
    void severalMarkersInOneTitle() {
        List<TitleMarker> markers = TitleParser.parse("$width.width, $height.height!");
        assertThat(markers).hasSize(2);
        assertThat(markers.get(1).required()).isTrue();
    }

    private static TitleMarker only(String title) {
        List<TitleMarker> markers = TitleParser.parse(title);
        assertThat(markers).hasSize(1);
        return markers.get(0);
    }
}
