package dev.comfykit.jobstore.jdbc;

import dev.comfykit.client.jobs.JobRecord;
import dev.comfykit.client.jobs.JobState;
import dev.comfykit.client.jobs.JobStoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the embedded store adds to the contract: its jobs outlive the JVM, even a killed one. */
class H2FileJobStoreTest {

    @TempDir
    Path directory;

    @Test
    void jobsSurviveClosingAndReopeningTheFile() {
        Path file = directory.resolve("jobs");
        JobRecord job = JobRecord.newJob("job-1", "w.json", Instant.parse("2030-01-01T00:00:00Z"))
                .withPromptId("p-1").withCorrelation(Map.of("orderId", "17")).withLease("jvm-a", Instant.EPOCH);
        try (JdbcJobStore store = JdbcJobStore.h2File(file)) {
            store.start();
            store.createIfAbsent(job);
            store.update(store.find("job-1").orElseThrow().withState(JobState.RUNNING)).orElseThrow();
        }
        assertThat(directory.resolve("jobs.mv.db")).exists();

        try (JdbcJobStore reopened = JdbcJobStore.h2File(directory.resolve("jobs.mv.db"))) {
            reopened.start();
            JobRecord read = reopened.findByPromptId("p-1").orElseThrow();
            assertThat(read.state()).isEqualTo(JobState.RUNNING);
            assertThat(read.version()).isEqualTo(2);
            assertThat(read.correlation()).containsEntry("orderId", "17");
            assertThat(reopened.claimExpired("jvm-b", Instant.now(), Duration.ofSeconds(30), 10))
                    .extracting(JobRecord::jobId).containsExactly("job-1");
        }
    }

    /**
     * A JVM that records jobs is killed (SIGKILL) while it writes: every job it reported as recorded is in the
     * file when the store opens again, because each commit reaches the file before the call returns.
     */
    @Test
    void everyRecordedJobSurvivesAKilledJvm() throws Exception {
        Path file = directory.resolve("killed");
        Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), H2WriterMain.class.getName(), file.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<String> recorded = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while (recorded.size() < 300 && (line = out.readLine()) != null) {
                recorded.add(line);
            }
            writer.destroyForcibly();
            assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(recorded).hasSize(300);

        try (JdbcJobStore store = JdbcJobStore.h2File(file)) {
            store.start();
            for (String jobId : recorded) {
                assertThat(store.find(jobId)).as(jobId).isPresent()
                        .hasValueSatisfying(job -> assertThat(job.state()).isEqualTo(JobState.QUEUED));
            }
        }
    }

    @Test
    void aSecondJvmCannotOpenTheSameFile() throws Exception {
        Path file = directory.resolve("locked");
        try (JdbcJobStore store = JdbcJobStore.h2File(file)) {
            store.start();
            Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), H2WriterMain.class.getName(), file.toString())
                    .redirectErrorStream(true).start();
            String output = new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(other.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(other.exitValue()).isNotZero();
            assertThat(output).contains("cannot start").contains("already in use");
        }
    }

    @Test
    void aStoreNotStartedSaysSo() {
        try (JdbcJobStore store = JdbcJobStore.h2File(directory.resolve("unstarted"))) {
            assertThatThrownBy(() -> store.find("x")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("call start() first");
        }
    }

    @Test
    void withoutCreateSchemaAMissingTableIsNamedWithTheFix() {
        try (JdbcJobStore creator = JdbcJobStore.h2File(directory.resolve("noschema"))) {
            JdbcJobStore store = JdbcJobStore.builder(dataSourceOf(creator)).createSchema(false).build();
            assertThatThrownBy(store::start).isInstanceOf(JobStoreException.class)
                    .hasMessageContaining("comfykit_jobs is missing")
                    .hasMessageContaining("dev/comfykit/jobs/h2-schema.sql");
        }
    }

    @Test
    void badTableNamesAreRefused() {
        assertThatThrownBy(() -> JdbcJobStore.builder(new org.h2.jdbcx.JdbcDataSource()).table("jobs; drop"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plain SQL name");
    }

    private static javax.sql.DataSource dataSourceOf(JdbcJobStore store) {
        org.h2.jdbcx.JdbcDataSource dataSource = new org.h2.jdbcx.JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:noschema-" + System.nanoTime());
        return dataSource;
    }
}
