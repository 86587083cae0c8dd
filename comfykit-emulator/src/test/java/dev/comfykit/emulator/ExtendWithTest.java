package dev.comfykit.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfykit.emulator.support.Client;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The declarative form: {@code @ExtendWith} with the emulator injected as a parameter. */
@ExtendWith(ComfyUiEmulatorExtension.class)
class ExtendWithTest {

    @Test
    void injectsARunningEmulator(ComfyUiEmulator emulator) {
        assertThat(new Client(emulator.baseUrl()).get("/features").status()).isEqualTo(200);
    }

    @Test
    void injectsItsFaults(ComfyUiEmulator emulator, EmulatorFaults faults) {
        assertThat(faults).isSameAs(emulator.faults());
    }
}
