package dev.comfykit.emulator.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfykit.emulator.json.Json;
import dev.comfykit.emulator.json.Py;
import dev.comfykit.emulator.support.Client;
import org.junit.jupiter.api.Test;

/** Python's number and string formatting, which ComfyUI's messages and JSON use. */
class PythonFormattingTest {

    @Test
    void floatsPrintLikePythonRepr() {
        assertThat(Py.floatRepr(1000.0)).isEqualTo("1000.0");
        assertThat(Py.floatRepr(0.5)).isEqualTo("0.5");
        assertThat(Py.floatRepr(-0.0)).isEqualTo("-0.0");
        assertThat(Py.floatRepr(0.0001)).isEqualTo("0.0001");
        assertThat(Py.floatRepr(0.00001)).isEqualTo("1e-05");
        assertThat(Py.floatRepr(1e16)).isEqualTo("1e+16");
        assertThat(Py.floatRepr(1.5e300)).isEqualTo("1.5e+300");
        assertThat(Py.floatRepr(123456789012345.0)).isEqualTo("123456789012345.0");
    }

    @Test
    void stringsAndListsPrintLikePythonRepr() {
        assertThat(Py.repr("abc")).isEqualTo("'abc'");
        assertThat(Py.repr("it's")).isEqualTo("\"it's\"");
        assertThat(Py.repr(Client.json("[\"a\", 1, true, null, 0.5]").deepCopy().getClass() == null ? null
                : Json.MAPPER.valueToTree(java.util.List.of("a", 1, true)))).isEqualTo("['a', 1, True]");
    }

    @Test
    void jsonUsesPythonSeparatorsAndAsciiEscapes() {
        assertThat(Json.text(Json.object().put("a", 1).put("b", "é").put("c", 2.0)))
                .isEqualTo("{\"a\": 1, \"b\": \"\\u00E9\", \"c\": 2.0}");
    }
}
