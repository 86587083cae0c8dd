package dev.comfykit.benchmarks;

import java.util.concurrent.CompletableFuture;

/** One way of running the workflow: the client, or a Camel route. A fresh driver per run (a fresh client). */
interface Driver extends AutoCloseable {

    /**
     * Starts one execution with the given value of the workflow's {@code text} param.
     *
     * @return completes with {@code null} on success or a short description of the failure; never exceptionally
     */
    CompletableFuture<String> execute(String text);

    @Override
    void close();
}
