package dev.comfykit.client.internal.runninghub;

import dev.comfykit.client.ErrorKind;

import java.util.Map;
import java.util.Set;

/**
 * What RunningHub's error codes mean for a client (runninghub-api.md §7; v1's numbers and v2's {@code errorCode}
 * strings, which v2 also uses for v1 numbers such as "812"): which ones are worth waiting for
 * (capacity), which are states rather than errors, and which kind of failure the others are.
 */
final class RunningHubCodes {

    /** The task is running ({@code outputs}). */
    static final String RUNNING = "804";
    /** The task failed; {@code data.failedReason} says why. */
    static final String FAILED = "805";
    /** Unknown, expired or another account's task. */
    static final String TASK_NOT_FOUND = "807";
    /** The task is queued ({@code outputs}). */
    static final String QUEUED = "813";
    /** The task can no longer be cancelled (it finished). */
    static final String CANCEL_NOT_ALLOWED = "817";
    /** The key's user does not exist: typically a key of the other site. */
    static final String USER_NOT_FOUND = "806";
    /** An upload failed on RunningHub's storage (retryable). */
    static final String UPLOAD_FAILED = "808";

    /** v2: the task does not exist or expired. */
    static final String TASK_NOT_FOUND_V2 = "1004";

    /** Internal errors, retried once (create) or twice (reads): v1's 500, v2's unknown, internal, unavailable. */
    private static final Set<String> INTERNAL = Set.of("500", "1000", "1005", "1010");
    /** v2: the run took too long on RunningHub's side (the task, or the model). */
    private static final Set<String> TIMED_OUT = Set.of("1006", "1504");
    /** v2 task failures that a new run may not meet: generation failed, upstream exception. */
    private static final Set<String> RETRYABLE_FAILURES = Set.of("1012", "1015");
    private static final Set<String> CAPACITY = Set.of("415", "421", "1003", "1011", "1520", "814");
    private static final Set<String> AUTHENTICATION = Set.of("801", "802", "806", "811", "812", "416", "436",
            "1002", "1014");
    private static final Set<String> VALIDATION = Set.of("301", "380", "412", "433", "435", "803", "809", "810",
            "901", "1007", "1008", "1009", "1101", "1001", "1013");
    private static final Set<String> CONTENT = Set.of("1501", "1505");
    private static final Set<String> LOST = Set.of("807", "423", "1004");

    private static final Map<String, String> MEANING = Map.ofEntries(
            Map.entry("301", "a parameter is missing or invalid"),
            Map.entry("380", "the workflow does not exist on this site, or this account cannot access it"),
            Map.entry("412", "the API path is wrong"),
            Map.entry("415", "all exclusive instances are busy"),
            Map.entry("416", "the wallet balance is too low"),
            Map.entry("421", "the task queue is full (concurrency limit of the account)"),
            Map.entry("433", "ComfyUI rejected the workflow"),
            Map.entry("435", "the task needs a larger instance: set runninghubInstanceType=plus"),
            Map.entry("436", "the exclusive membership has expired"),
            Map.entry("801", "free accounts cannot use the API: a paid membership is needed"),
            Map.entry("802", "the API key is invalid, disabled or expired"),
            Map.entry("803", "the params do not match the workflow's nodes and fields"),
            Map.entry("806", "no user has this key on this site"),
            Map.entry("807", "the task does not exist (expired, or another account's)"),
            Map.entry("808", "the upload failed on RunningHub's storage"),
            Map.entry("809", "the file is larger than 30 MB"),
            Map.entry("810", "the workflow must be saved and run once on the RunningHub website first"),
            Map.entry("811", "the enterprise key is invalid"),
            Map.entry("812", "the enterprise balance is too low"),
            Map.entry("814", "the personal queue is full"),
            Map.entry("901", "the AI app does not exist on this site"),
            Map.entry("1000", "unknown error on RunningHub"),
            Map.entry("1001", "the API path is wrong"),
            Map.entry("1002", "the API key is invalid"),
            Map.entry("1003", "too many requests"),
            Map.entry("1004", "the task does not exist or expired"),
            Map.entry("1005", "RunningHub's internal error"),
            Map.entry("1006", "the task ran out of time on RunningHub"),
            Map.entry("1007", "a parameter failed validation"),
            Map.entry("1008", "the file is too large"),
            Map.entry("1009", "the HTTP method is not supported"),
            Map.entry("1010", "RunningHub is unavailable"),
            Map.entry("1011", "RunningHub is busy"),
            Map.entry("1012", "an upstream service failed"),
            Map.entry("1013", "the file could not be processed (check its URL)"),
            Map.entry("1014", "this API needs an enterprise shared key"),
            Map.entry("1015", "the generation failed (running it again may succeed)"),
            Map.entry("1101", "the nodeInfoList does not match the workflow's nodes and fields"),
            Map.entry("1504", "the model timed out"),
            Map.entry("1501", "the content was rejected by moderation"),
            Map.entry("1505", "photorealistic real people are not allowed"),
            Map.entry("1520", "the account's concurrency limit is reached"));

    private RunningHubCodes() {
    }

    /** Whether the code means "busy, try again later": the request did nothing and can be repeated. */
    static boolean isCapacity(String code) {
        return CAPACITY.contains(code);
    }

    /** Whether the code is RunningHub's internal error, worth one or two more tries (not more). */
    static boolean isInternalError(String code) {
        return INTERNAL.contains(code);
    }

    /**
     * The kind of failure of a task that ended FAILED with this v2 {@code errorCode}: a node's failure (EXECUTION)
     * unless the code says otherwise (content, time-out, a failure a new run may not meet).
     */
    static ErrorKind kindOfFailedTask(String code) {
        if (code == null || code.isEmpty()) {
            return ErrorKind.EXECUTION;
        }
        ErrorKind kind = kindOf(code);
        return kind == ErrorKind.SERVER && !RETRYABLE_FAILURES.contains(code) && !INTERNAL.contains(code)
                ? ErrorKind.EXECUTION : kind;
    }

    /** The kind of failure a code means. */
    static ErrorKind kindOf(String code) {
        if (TIMED_OUT.contains(code)) {
            return ErrorKind.TIMEOUT;
        }
        if (AUTHENTICATION.contains(code)) {
            return ErrorKind.AUTHENTICATION;
        }
        if (VALIDATION.contains(code)) {
            return ErrorKind.VALIDATION;
        }
        if (CONTENT.contains(code) || FAILED.equals(code)) {
            return ErrorKind.EXECUTION;
        }
        if (LOST.contains(code)) {
            return ErrorKind.LOST;
        }
        return ErrorKind.SERVER;
    }

    /** A readable meaning of a code, or {@code null}. */
    static String meaning(String code) {
        return MEANING.get(code);
    }
}
