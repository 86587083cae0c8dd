package dev.comfykit.jobstore.jdbc;

import dev.comfykit.client.jobs.JobStore;
import dev.comfykit.client.jobs.JobStoreContract;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;

/** The embedded H2 file store keeps the job store contract. */
class H2JobStoreTest extends JobStoreContract {

    @TempDir
    Path directory;

    @Override
    protected JobStore newStore(Clock clock) {
        JdbcJobStore store = JdbcJobStore.h2File(directory.resolve("jobs"), clock);
        store.start();
        return store;
    }
}
