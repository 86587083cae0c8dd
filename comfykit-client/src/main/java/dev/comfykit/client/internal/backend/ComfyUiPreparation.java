package dev.comfykit.client.internal.backend;

import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutionError;
import dev.comfykit.client.internal.comfyui.InputLimitsCache;
import dev.comfykit.client.internal.dsl.BoundWorkflow;
import dev.comfykit.client.internal.dsl.ParamBinder;
import dev.comfykit.client.internal.dsl.ParamLimitCheck;
import dev.comfykit.client.internal.dsl.SeedRandomizer;
import dev.comfykit.client.Priority;
import dev.comfykit.client.internal.execution.PreparedPrompt;
import dev.comfykit.client.internal.media.MediaUploader;
import dev.comfykit.client.internal.workflow.Workflow;
import dev.comfykit.client.spi.PromptRequest;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Turns a request into a prompt one ComfyUI server can run: binds the params, checks them against the server's
 * input limits, uploads media to the server and randomises seeds. The limits are the server's own, so each server
 * has its preparation.
 */
final class ComfyUiPreparation {

    /** ComfyUI's validation error types for a value outside an input's limits. */
    private static final Set<String> VALUE_ERRORS = Set.of("value_smaller_than_min", "value_bigger_than_max",
            "value_not_in_list");

    private final InputLimitsCache inputLimits;
    private final MediaUploader uploader;

    ComfyUiPreparation(InputLimitsCache inputLimits, MediaUploader uploader) {
        this.inputLimits = inputLimits;
        this.uploader = uploader;
    }

    /**
     * Prepares a graph request.
     *
     * @throws dev.comfykit.client.ComfyKitException for invalid input (an unknown, missing or ill-typed param)
     */
    CompletableFuture<PreparedPrompt> prepare(PromptRequest request) {
        Workflow workflow = Workflow.view(request.graph(), request.origin());
        Map<String, ?> given = request.params().params(request.schema());
        BoundWorkflow bound = ParamBinder.bind(workflow, request.schema(), given, MediaUploader::needsUpload);
        // checked before uploads and submission: an out-of-range value costs neither an upload nor a queue slot
        return ParamLimitCheck.check(bound.graph(), request.schema(), givenNames(given), inputLimits::get)
                .thenCompose(checked -> uploader.uploadAll(bound)).thenApply(ready -> {
            SeedRandomizer.randomize(ready.graph(), () -> ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
            return new PreparedPrompt(ready.graph(), request.schema(),
                    request.priority() == null ? Priority.NORMAL : request.priority());
        });
    }

    /**
     * The server refused a value as out of range or not an option although the cached limits allowed it (or were
     * unknown): those limits are stale (a model was removed, the server restarted with other nodes), so the next use
     * of the class asks again.
     */
    void forgetStaleLimits(ExecuteResult result) {
        ExecutionError error = result.getError();
        if (error == null || error.getKind() != ErrorKind.VALIDATION) {
            return;
        }
        error.getNodeErrors().values().forEach(node -> {
            boolean valueRefused = node.getErrors().stream().anyMatch(issue -> VALUE_ERRORS.contains(issue.getType()));
            if (valueRefused && node.getClassType() != null) {
                inputLimits.forget(node.getClassType());
            }
        });
    }

    private static Set<String> givenNames(Map<String, ?> params) {
        Set<String> names = new HashSet<>();
        if (params != null) {
            params.forEach((name, value) -> {
                if (value != null) {
                    names.add(name);
                }
            });
        }
        return names;
    }
}
