/**
 * Durable jobs: the job store SPI. A {@link dev.comfykit.client.jobs.JobRecord} is one generation job as plain
 * data (JSON text, never Java serialisation); a {@link dev.comfykit.client.jobs.JobStore} keeps records so that a
 * job outlives the JVM that submitted it, with compare-and-set updates and leases that let another JVM take over
 * a job whose owner died.
 * <p>
 * {@link dev.comfykit.client.jobs.JobStore#inMemory()} is the default store (nothing survives the JVM); the module
 * {@code comfykit-jobstore-jdbc} adds an embedded H2 file store for one JVM and a PostgreSQL store for many.
 * Exported and stable like the rest of the API.
 */
package dev.comfykit.client.jobs;
