package dev.comfykit.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every scenario, path and executor with tiny numbers against the emulator in this JVM: the harness works end to
 * end and writes its JSON. No figure is asserted (timings belong to the harness's report, not to a unit test).
 */
class HarnessSmokeTest {

    @Test
    void runsEveryScenarioAndWritesJson(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("bench.json");
        Options options = Options.parse("--in-process-emulator", "--scenario", "all", "--executor", "both", "--via",
                "both", "--n", "4", "--concurrency", "3", "--warmup", "3", "--prompt-delay", "10", "--timeout", "30s", "--settle", "0",
                "--json", json.toString());
        ByteArrayOutputStream text = new ByteArrayOutputStream();

        Report report = new Main(options, new PrintStream(text, true, StandardCharsets.UTF_8)).run();

        assertThat(report.runs()).hasSize(3 * 2 * 2);
        assertThat(report.runs()).allSatisfy(run -> {
            assertThat(run.failures()).as(run.key() + " " + run.failureSamples()).isZero();
            assertThat(run.executions()).isEqualTo(4);
        });
        JsonNode written = new ObjectMapper().readTree(json.toFile());
        assertThat(written.path("runs")).hasSize(12);
        assertThat(written.path("summary")).hasSize(12);
        assertThat(written.path("targets").size()).isPositive();
        assertThat(written.path("machine").path("cores").asInt()).isPositive();
        assertThat(text.toString(StandardCharsets.UTF_8)).contains("== Targets ==");
    }

    /**
     * The pool scenarios with tiny numbers: emulator processes (separate JVMs, as in a real run) started, killed,
     * restarted and failed with 503; the figures are written under {@code pool}. Only that every job ends is asserted
     * (the routing scenario may refuse jobs while the client does not route by capability).
     */
    @Test
    void runsThePoolScenarios(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("pool.json");
        Options options = Options.parse("--scenario", "pool", "--servers", "3", "--pool-jobs", "12",
                "--pool-in-flight", "4", "--pool-job-ms", "5", "--pool-fault-seconds", "1", "--timeout", "60s",
                "--json", json.toString());
        ByteArrayOutputStream text = new ByteArrayOutputStream();

        Report report = new Main(options, new PrintStream(text, true, StandardCharsets.UTF_8)).run();

        String printed = text.toString(StandardCharsets.UTF_8);
        assertThat(report.runs()).isEmpty();
        assertThat(report.pool()).containsOnlyKeys("pool-scaling", "pool-failover", "pool-failover-camel",
                "pool-routing");
        assertThat(report.pool().get("pool-scaling")).as(printed).containsEntry("failed", 0).containsKey("speedup");
        assertThat(report.pool().get("pool-failover")).as(printed).containsEntry("jobs", 12).containsEntry("lost", 0)
                .containsKeys("completed", "failed", "duplicates", "executedTwice", "resubmitted");
        assertThat(report.pool().get("pool-failover-camel")).as(printed).containsEntry("jobs", 12)
                .containsEntry("lost", 0);
        assertThat(report.pool().get("pool-routing")).as(printed).containsEntry("lost", 0).containsKey("misrouted");
        JsonNode written = new ObjectMapper().readTree(json.toFile());
        assertThat(written.path("pool").path("pool-scaling").path("speedup").isNumber()).isTrue();
        assertThat(written.path("pool").path("pool-failover").path("completed").isInt()).isTrue();
        assertThat(written.path("pool").path("pool-routing").path("misrouted").isInt()).isTrue();
    }

    /**
     * The job store scenario with tiny numbers on H2 and in memory (and PostgreSQL, or its "skipped" entry when none
     * answers): every record written is claimed exactly once (the scenario fails otherwise) and the figures are written
     * under {@code jobstore}.
     */
    @Test
    void runsTheJobStoreScenario(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("jobstore.json");
        Options options = Options.parse("--scenario", "jobstore", "--jobstore-stores", "h2,memory,postgresql",
                "--jobstore-records", "40", "--jobstore-latency-jobs", "20", "--jobstore-threads", "4",
                "--json", json.toString());
        ByteArrayOutputStream text = new ByteArrayOutputStream();

        Report report = new Main(options, new PrintStream(text, true, StandardCharsets.UTF_8)).run();

        String printed = text.toString(StandardCharsets.UTF_8);
        assertThat(report.runs()).isEmpty();
        assertThat(report.jobStores()).containsOnlyKeys("h2", "memory", "postgresql");
        for (String store : new String[] {"h2", "memory"}) {
            assertThat(report.jobStores().get(store)).as(printed).containsEntry("records", 40)
                    .containsKeys("writesPerSecond", "claimsPerSecond", "addedP50Ms", "addedP99Ms");
        }
        assertThat(report.jobStores().get("h2")).containsKey("commitP50Ms");
        JsonNode written = new ObjectMapper().readTree(json.toFile());
        assertThat(written.path("jobstore").path("memory").path("addedP50Ms").isNumber()).isTrue();
    }

    @Test
    void parsesOptions() {
        Options o = Options.parse("--scenario", "sequential,latency", "--executor=websocket", "--via", "camel",
                "--concurrency", "100,500", "--timeout", "90s", "--n", "1_000");
        assertThat(o.scenarios).containsExactlyInAnyOrder(Options.Scenario.SEQUENTIAL, Options.Scenario.LATENCY);
        assertThat(o.executors).containsExactly(Options.Executor.WEBSOCKET);
        assertThat(o.vias).containsExactly(Options.Via.CAMEL);
        assertThat(o.concurrency).containsExactly(100, 500);
        assertThat(o.timeout).hasSeconds(90);
        assertThat(o.executions(Options.Scenario.THROUGHPUT, 500)).isEqualTo(1000);
        assertThat(Options.parse().scenarios).isEqualTo(Options.SINGLE_SERVER);
        Options pool = Options.parse("--scenario", "pool-scaling,pool-failover", "--servers", "4");
        assertThat(pool.scenarios).containsExactlyInAnyOrder(Options.Scenario.POOL_SCALING,
                Options.Scenario.POOL_FAILOVER);
        assertThat(pool.servers).isEqualTo(4);
        assertThat(Options.parse("--scenario", "pool").scenarios).isEqualTo(Options.POOL);
    }

    @Test
    void percentilesAreNearestRank() {
        LatencyRecorder recorder = new LatencyRecorder(10);
        for (int i = 10; i >= 1; i--) {
            recorder.record(i * 1_000_000L);
        }
        LatencyRecorder.Snapshot s = recorder.snapshot();
        assertThat(s.percentileMillis(50)).isEqualTo(5.0);
        assertThat(s.percentileMillis(90)).isEqualTo(9.0);
        assertThat(s.percentileMillis(99)).isEqualTo(10.0);
        assertThat(s.minMillis()).isEqualTo(1.0);
    }
}
