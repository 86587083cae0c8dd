package dev.comfykit.benchmarks;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Durable jobs survive a SIGKILL: a Camel application process on the embedded H2 job store, fed from a file inbox,
 * is killed when 30% of the results exist and started again; every job gets exactly one result, and some of them
 * were finished after the restart although they were submitted before it.
 */
class RestartChaosTest {

    @Test
    void aKilledApplicationLosesAndDuplicatesNothingAfterItsRestart() throws Exception {
        // under target/, so that the application's logs, the deliveries and the store can be read after a failure
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "restart-chaos-");
        RestartChaos.Result result = new RestartChaos(dir, System.out).run(40, Duration.ofMinutes(3));

        System.out.print(result.toJson());
        assertThat(result.results()).as("results").isEqualTo(result.jobs());
        assertThat(result.lost()).as("lost").isZero();
        assertThat(result.duplicates()).as("duplicates").isZero();
        assertThat(result.reattached()).as("reattached").isPositive();
        assertThat(result.failed()).as("failed").isZero();
    }
}
