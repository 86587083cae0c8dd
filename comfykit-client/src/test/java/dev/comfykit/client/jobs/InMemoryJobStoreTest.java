package dev.comfykit.client.jobs;

import dev.comfykit.client.internal.jobs.InMemoryJobStore;

import java.time.Clock;

/** The in-memory store (the default) keeps the job store contract. */
class InMemoryJobStoreTest extends JobStoreContract {

    @Override
    protected JobStore newStore(Clock clock) {
        return new InMemoryJobStore(clock);
    }
}
