package dev.comfykit.client.internal.runninghub;

import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecutionError;
import dev.comfykit.client.internal.execution.Failures;
import dev.comfykit.client.internal.http.UnexpectedResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The retry policy of RunningHub requests (runninghub-api.md §7.3):
 * <ul>
 * <li>reads (workflow JSON, outputs, status, account, cancel) and uploads are idempotent: network failures, 5xx,
 * capacity and rate-limit answers are retried with back-off, up to the retry count; RunningHub's internal error (code
 * 500) at most twice;</li>
 * <li>creating a task is not idempotent: it is repeated only when RunningHub answered "busy" (queue full, no free
 * instance, rate limit: nothing was created), with a back-off that grows to a minute, until the deadline; or when
 * the request provably never arrived (connection refused). When the answer is lost after sending, the task may
 * exist: it is not sent again (no double billing) and the failure says so;</li>
 * <li>authentication, validation and content errors are never retried.</li>
 * </ul>
 */
final class RunningHubRequests {

    private static final Logger LOG = LoggerFactory.getLogger(RunningHubRequests.class);
    private static final String VALIDATE_PROMPT_FAILED = "433";
    private static final int UNKNOWN_ERROR_RETRIES = 2;

    private final RunningHubApi api;
    private final RunningHubSettings settings;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier clock;

    RunningHubRequests(RunningHubApi api, RunningHubSettings settings, ScheduledExecutorService scheduler,
                       LongSupplier clock) {
        this.api = api;
        this.settings = settings;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    RunningHubApi api() {
        return api;
    }

    /**
     * An idempotent call with retries of what can succeed later. Completes with the envelope, whatever its code,
     * once one was received, or fails with a {@link RunningHubFailure} after the last retry.
     *
     * @param retryableCodes business codes that mean "try again" for this call (besides capacity codes)
     */
    CompletableFuture<Envelope> read(String what, Supplier<CompletableFuture<Envelope>> call,
                                     String... retryableCodes) {
        CompletableFuture<Envelope> result = new CompletableFuture<>();
        attemptRead(what, call, retryableCodes, 0, result);
        return result;
    }

    private void attemptRead(String what, Supplier<CompletableFuture<Envelope>> call, String[] retryableCodes,
                             int attempt, CompletableFuture<Envelope> result) {
        call.get().whenComplete((envelope, error) -> {
            boolean retry = error != null ? isTransient(error)
                    : RunningHubCodes.isCapacity(envelope.code()) || contains(retryableCodes, envelope.code())
                    // RunningHub's internal error: worth one or two more tries (runninghub-api.md §7.1), not more
                    || (RunningHubCodes.isInternalError(envelope.code()) && attempt < UNKNOWN_ERROR_RETRIES);
            if (!retry || attempt >= settings.retryCount) {
                if (error != null) {
                    result.completeExceptionally(transportFailure(what, error, ErrorKind.CONNECTION));
                } else {
                    result.complete(envelope);
                }
                return;
            }
            LOG.debug("{}: {}; retry {} of {}", what, error != null ? Failures.describe(error) : envelope,
                    attempt + 1, settings.retryCount);
            scheduler.schedule(() -> attemptRead(what, call, retryableCodes, attempt + 1, result),
                    settings.retryBackoffNanos(attempt), TimeUnit.NANOSECONDS);
        });
    }

    /**
     * Creates a task: waits out capacity answers until the deadline, retries once on RunningHub's internal error
     * and on connections that were refused, and never resends a request whose outcome is unknown.
     *
     * @return the envelope of the accepted create, or a {@link RunningHubFailure}
     */
    CompletableFuture<Envelope> create(Supplier<CompletableFuture<Envelope>> call, long deadlineNanos) {
        CompletableFuture<Envelope> result = new CompletableFuture<>();
        attemptCreate(call, deadlineNanos, 0, 0, result);
        return result;
    }

    private void attemptCreate(Supplier<CompletableFuture<Envelope>> call, long deadlineNanos, int busyAnswers,
                               int failures, CompletableFuture<Envelope> result) {
        if (result.isDone()) {
            return;
        }
        call.get().whenComplete((envelope, error) -> {
            long wait;
            int nextBusy = busyAnswers;
            int nextFailures = failures;
            if (error != null) {
                if (!neverArrived(error) || failures >= settings.retryCount) {
                    result.completeExceptionally(neverArrived(error)
                            ? transportFailure("creating the task", error, ErrorKind.CONNECTION)
                            : transportFailure("creating the task", error, ErrorKind.OUTCOME_UNKNOWN));
                    return;
                }
                nextFailures++;
                wait = settings.retryBackoffNanos(failures);
            } else if (envelope.isOk()) {
                result.complete(envelope);
                return;
            } else if (RunningHubCodes.isCapacity(envelope.code())) {
                nextBusy++;
                wait = settings.capacityBackoffNanos(busyAnswers);
                LOG.info("RunningHub is busy ({}); trying again in {} ms", envelope,
                        TimeUnit.NANOSECONDS.toMillis(wait));
            } else if (RunningHubCodes.isInternalError(envelope.code()) && failures == 0) {
                nextFailures++;
                wait = settings.retryBackoffNanos(0);
            } else {
                result.completeExceptionally(failure("creating the task", envelope));
                return;
            }
            if (clock.getAsLong() + wait >= deadlineNanos) {
                result.completeExceptionally(new RunningHubFailure(ExecutionError.builder(ErrorKind.TIMEOUT,
                        "RunningHub did not accept the task before the timeout"
                                + (envelope != null ? " (last answer: " + describe(envelope) + ")"
                                : " (" + Failures.describe(error) + ")")
                                + "; no task was created.").code(envelope == null ? null : envelope.code()).build()));
                return;
            }
            int busy = nextBusy;
            int failed = nextFailures;
            scheduler.schedule(() -> attemptCreate(call, deadlineNanos, busy, failed, result), wait,
                    TimeUnit.NANOSECONDS);
        });
    }

    /** The failure a non-zero envelope means, with the code, its meaning and the fix where one is known. */
    RunningHubFailure failure(String what, Envelope envelope) {
        String code = envelope.code();
        ErrorKind kind = RunningHubCodes.kindOf(code);
        String message;
        if (isWrongSite(envelope)) {
            kind = ErrorKind.AUTHENTICATION;
            String otherSite = api.site().toLowerCase(Locale.ROOT).contains("runninghub.cn") ? "runninghub.ai"
                    : "runninghub.cn";
            message = "RunningHub at " + api.site() + " does not know this API key (" + describe(envelope) + "). Keys"
                    + " work only on the site that issued them: if yours is from " + otherSite + ", set runninghubUrl"
                    + " (RUNNINGHUB_BASE_URL) to https://www." + otherSite + ".";
        } else if (VALIDATE_PROMPT_FAILED.equals(code)) {
            // the node errors of ComfyUI's refusal come in data.promptTips
            return new RunningHubFailure(PromptTips.parse(envelope.data().path("promptTips"))
                    .rejection("RunningHub refused " + what + ": " + describe(envelope), code));
        } else {
            message = "RunningHub refused " + what + ": " + describe(envelope) + ".";
        }
        return new RunningHubFailure(ExecutionError.builder(kind, message).code(code).build());
    }

    static String describe(Envelope envelope) {
        String meaning = RunningHubCodes.meaning(envelope.code());
        return envelope.code() + (envelope.msg().isEmpty() ? "" : " " + envelope.msg())
                + (meaning == null ? "" : ", " + meaning);
    }

    private static boolean isWrongSite(Envelope envelope) {
        String msg = envelope.msg().toLowerCase(Locale.ROOT);
        return RunningHubCodes.USER_NOT_FOUND.equals(envelope.code()) || msg.contains("user_not_found")
                || msg.contains("user not exist");
    }

    private RunningHubFailure transportFailure(String what, Throwable error, ErrorKind kind) {
        Throwable cause = Failures.unwrap(error);
        if (cause instanceof RunningHubFailure) {
            return (RunningHubFailure) cause;
        }
        String message = kind == ErrorKind.OUTCOME_UNKNOWN
                ? "The answer to " + what + " on RunningHub was lost (" + Failures.describe(cause) + "). The task may"
                + " have been created and may be billed; it was not sent again to avoid a duplicate. Check the"
                + " RunningHub console before retrying."
                : "Cannot reach RunningHub at " + api.site() + " while " + what + " (" + Failures.describe(cause)
                + ").";
        Integer status = cause instanceof UnexpectedResponseException
                && ((UnexpectedResponseException) cause).status() > 0
                ? ((UnexpectedResponseException) cause).status() : null;
        return new RunningHubFailure(ExecutionError.builder(kind, message).httpStatus(status).build());
    }

    /** Network failures, 5xx and malformed answers: a repeated read can succeed. */
    static boolean isTransient(Throwable error) {
        Throwable cause = Failures.unwrap(error);
        if (cause instanceof UnexpectedResponseException) {
            int status = ((UnexpectedResponseException) cause).status();
            return status == 0 || status == 429 || status >= 500;
        }
        return cause instanceof IOException;
    }

    /** Failures where the request provably did not reach RunningHub. */
    private static boolean neverArrived(Throwable error) {
        Throwable cause = Failures.unwrap(error);
        return Failures.neverConnected(cause)
                || (cause instanceof UnexpectedResponseException
                && (((UnexpectedResponseException) cause).status() == 503
                || ((UnexpectedResponseException) cause).status() == 429));
    }

    private static boolean contains(String[] codes, String code) {
        for (String candidate : codes) {
            if (candidate.equals(code)) {
                return true;
            }
        }
        return false;
    }
}
