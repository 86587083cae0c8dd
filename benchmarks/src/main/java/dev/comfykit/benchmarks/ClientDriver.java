package dev.comfykit.benchmarks;

import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ExecutorType;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** (a) The ComfyKit client: {@code kit.execute(workflow, Map.of("text", ...))}, with its defaults but the timeout. */
final class ClientDriver implements Driver {

    private final ComfyKit kit;
    private final String workflow;

    ClientDriver(String url, ExecutorType executor, Duration timeout, String workflow) {
        this.kit = ComfyKit.builder()
                .environment(name -> null)      // no COMFYUI_* variables: exactly the settings below
                .comfyuiUrl(url)
                .executorType(executor)
                .timeout(timeout)
                .build();
        this.workflow = workflow;
    }

    @Override
    public CompletableFuture<String> execute(String text) {
        try {
            return kit.execute(workflow, Map.of("text", text)).handle((result, error) -> {
                if (error != null) {
                    return Failure.describe(error);
                }
                return result.isFailed() ? result.getError().getKind() + ": " + result.getMsg() : null;
            });
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(Failure.describe(e));
        }
    }

    @Override
    public void close() {
        kit.close();
    }
}
