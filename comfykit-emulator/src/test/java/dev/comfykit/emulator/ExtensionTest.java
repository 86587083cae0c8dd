package dev.comfykit.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfykit.emulator.support.Client;
import java.time.Duration;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JUnit 5 extension: one emulator per class, injected parameters, faults scoped to the test that sets them. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@org.junit.jupiter.api.TestClassOrder(org.junit.jupiter.api.ClassOrderer.OrderAnnotation.class)
class ExtensionTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    private static String firstBaseUrl;

    @Test
    @Order(1)
    void startsOneEmulatorAndInjectsIt(ComfyUiEmulator emulator, EmulatorFaults faults) {
        firstBaseUrl = comfy.baseUrl();

        assertThat(emulator).isSameAs(comfy.emulator());
        assertThat(faults).isSameAs(comfy.faults());
        assertThat(comfy.baseUrl()).startsWith("http://127.0.0.1:");
        assertThat(new Client(comfy.baseUrl()).get("/system_stats").status()).isEqualTo(200);
        comfy.faults().failNext("GET", "/system_stats", 10, 503);
    }

    @Test
    @Order(2)
    void faultsOfThePreviousTestAreCleared() {
        assertThat(comfy.baseUrl()).isEqualTo(firstBaseUrl);
        assertThat(new Client(comfy.baseUrl()).get("/system_stats").status()).isEqualTo(200);
    }

    @org.junit.jupiter.api.Nested
    @org.junit.jupiter.api.Order(1)
    class FirstNested {
        @Test
        void sharesTheOuterEmulator() {
            assertThat(comfy.baseUrl()).isEqualTo(firstBaseUrl);
        }
    }

    /** Runs after FirstNested's afterAll: the emulator must still be the same one. */
    @org.junit.jupiter.api.Nested
    @org.junit.jupiter.api.Order(2)
    class SecondNested {
        @Test
        void stillSharesTheOuterEmulator() {
            assertThat(comfy.baseUrl()).isEqualTo(firstBaseUrl);
            assertThat(new Client(comfy.baseUrl()).get("/system_stats").status()).isEqualTo(200);
        }
    }

    @Test
    @Order(3)
    void configurationIsApplied() {
        assertThat(comfy.emulator().options().stepTime()).isZero();
        assertThat(comfy.emulator().options().parallelism()).isEqualTo(1);
    }
}
