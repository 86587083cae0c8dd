package dev.comfykit.client;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The priority's text forms, as the option and the component header read them. */
class PriorityTest {

    @Test
    void readsNormalFrontAndNumbers() {
        assertThat(Priority.parse("normal")).isEqualTo(Priority.NORMAL);
        assertThat(Priority.parse(" FRONT ")).isEqualTo(Priority.FRONT);
        assertThat(Priority.parse("-5").queueNumber()).isEqualTo(-5.0);
        assertThat(Priority.parse("1000").toString()).isEqualTo("1000");
        assertThat(Priority.parse("0.5").toString()).isEqualTo("0.5");
        assertThat(Priority.FRONT.isFront()).isTrue();
        assertThat(Priority.NORMAL.queueNumber()).isNull();
    }

    @Test
    void anythingElseIsRefusedWithTheAcceptedForms() {
        assertThatThrownBy(() -> Priority.parse("urgent")).hasMessageContaining("normal, front or a queue number")
                .hasMessageContaining("'urgent'");
        assertThatThrownBy(() -> Priority.parse("NaN")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ComfyKit.builder().environment(name -> null).set(ClientOption.PRIORITY, "urgent")
                .build()).hasMessageContaining("priority");
    }
}
