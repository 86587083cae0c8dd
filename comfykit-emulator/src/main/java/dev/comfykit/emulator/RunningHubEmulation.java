package dev.comfykit.emulator;

/**
 * The RunningHub v1 API ({@code /task/openapi/*}, {@code /api/openapi/getJsonApiFormat},
 * {@code /uc/openapi/accountStatus}) served by the emulator on its own port, next to ComfyUI's routes, and backed by
 * the same queue, validation, execution and history as {@code POST /prompt}. Answers are RunningHub's envelope
 * {@code {"code", "msg", "data"}} with HTTP 200, also for business errors; output files are served by a fake CDN
 * under {@code /rh-cdn/}, which refuses (403) requests that carry an {@code Authorization} header or an
 * {@code apiKey} query parameter.
 * <p>
 * Out of the box the emulation knows the key {@link #DEFAULT_API_KEY} (and {@link #OTHER_SITE_API_KEY} as a key of
 * the other site), the sample workflows under the {@code *_WORKFLOW_ID} ids and the AI app {@link #T2I_APP_ID}.
 * Every valid key is an account of its own: its tasks, coins and concurrency are separate from other keys'.
 * <p>
 * The faults set here ({@link #failNextCreates}, {@link #maxConcurrentTasks}) are removed by
 * {@link EmulatorFaults#clear()}, which the JUnit extension calls after each test; keys, workflows and apps stay.
 * Route faults of {@link EmulatorFaults#failNext} work on the RunningHub routes too
 * ({@code faults().failNext("POST", "/task/openapi/outputs", 2, 502)}), and {@link EmulatorFaults#failNode}
 * makes tasks fail (805 with the node's error in {@code failedReason}).
 *
 * <pre>{@code
 * try (ComfyUiEmulator emulator = ComfyUiEmulator.start();
 *      ComfyKit kit = ComfyKit.builder().runninghubUrl(emulator.runningHubUrl())
 *              .runninghubApiKey(RunningHubEmulation.DEFAULT_API_KEY).build()) {
 *     kit.execute(RunningHubEmulation.T2I_WORKFLOW_ID, Map.of("prompt", "a lighthouse")).join();
 * }
 * }</pre>
 */
public interface RunningHubEmulation {

    /** The API key every emulator accepts (32 characters, like a real key). */
    String DEFAULT_API_KEY = "comfykit-emulator-runninghub-key";

    /** A key of "the other site" (like a runninghub.cn key sent to .ai): answered with 806 APIKEY_USER_NOT_FOUND. */
    String OTHER_SITE_API_KEY = "comfykit-emulator-other-site-key";

    /** The sample text-to-image workflow ({@code t2i}): {@code $prompt.text!}, {@code $seed}, size, {@code $output.image}. */
    String T2I_WORKFLOW_ID = "1987654321";

    /** The sample text workflow ({@code text}): {@code $text.value!}, {@code $suffix.string_b}, {@code $output.text}. */
    String TEXT_WORKFLOW_ID = "1987654322";

    /** The sample image workflow ({@code image-invert}): {@code $image.~image!} (LoadImage), {@code $output.image}. */
    String IMAGE_INVERT_WORKFLOW_ID = "1987654323";

    /** The sample audio workflow ({@code audio}): a sine tone saved as WAV, {@code $output.audio}. */
    String AUDIO_WORKFLOW_ID = "1987654324";

    /** The sample video workflow ({@code video}): sampled frames as an animated GIF, {@code $output.video}. */
    String VIDEO_WORKFLOW_ID = "1987654325";

    /** An AI app running the text-to-image sample; its inputs are {@code 6.text}, {@code 3.seed}, {@code 5.width}... */
    String T2I_APP_ID = "1877265245566922800";

    /** The base URL to configure as the RunningHub site: the emulator's own {@code http://host:port}. */
    String baseUrl();

    /** Accepts another API key, as an account of its own. */
    RunningHubEmulation addApiKey(String apiKey);

    /**
     * Makes a key known as one of the other site: every call with it answers 806 {@code APIKEY_USER_NOT_FOUND},
     * as runninghub.ai does for a runninghub.cn key.
     */
    RunningHubEmulation addOtherSiteKey(String apiKey);

    /**
     * Adds (or replaces) a workflow: {@code getJsonApiFormat} returns it and {@code create} runs it.
     *
     * @param workflowId the id, digits as RunningHub's are
     * @param apiJson    the workflow in ComfyUI's API format, titles ({@code _meta.title}) included
     * @throws IllegalArgumentException if the JSON is not an API-format workflow (an object of nodes)
     */
    RunningHubEmulation registerWorkflow(String workflowId, String apiJson);

    /**
     * Adds (or replaces) an AI app: {@code ai-app/run} runs its workflow with the {@code nodeInfoList} given.
     *
     * @throws IllegalArgumentException if the JSON is not an API-format workflow
     */
    RunningHubEmulation registerApp(String webappId, String apiJson);

    /**
     * Answers the next {@code times} task creations ({@code create} and {@code ai-app/run}, whatever they carry)
     * with {@code code} and {@code msg} and {@code data: null}; nothing is created. For example
     * {@code failNextCreates(2, 421, "TASK_QUEUE_MAXED")}, 415, 1003, 802.
     *
     * @param msg the message, or null for RunningHub's identifier of the code ({@code TASK_QUEUE_MAXED} for 421)
     */
    RunningHubEmulation failNextCreates(int times, int code, String msg);

    /**
     * Caps each account's open tasks, like a real account's concurrency limit: while {@code max} of its tasks are
     * queued or running, a creation answers 421 {@code TASK_QUEUE_MAXED}.
     *
     * @param max at least 1; {@link EmulatorFaults#clear()} lifts the cap
     */
    RunningHubEmulation maxConcurrentTasks(int max);

    /**
     * How many requests reached a RunningHub path (e.g. {@code "/task/openapi/create"}) since start, including those
     * a fault answered.
     */
    long requestsReceived(String path);

    /** How many tasks were created since start. */
    long tasksCreated();

    /** The ComfyUI prompt id that runs a task (see {@code /history/{id}}), or null for an unknown task. */
    String promptIdOf(String taskId);

    /**
     * Fault: each task's webhook is delivered this long after the task ended (a slow RunningHub). Webhooks are sent
     * for tasks created with a {@code webhookUrl}, to loopback URLs only; {@link EmulatorFaults#clear()} resets every
     * webhook fault.
     */
    RunningHubEmulation webhookDelay(java.time.Duration delay);

    /** Fault: each webhook is delivered {@code 1 + extra} times at once, as RunningHub repeats deliveries. */
    RunningHubEmulation duplicateWebhooks(int extra);

    /**
     * Fault: each webhook is delivered once more {@code after} the first delivery, out of order: after the task's end
     * was handled (and possibly after other tasks' webhooks).
     */
    RunningHubEmulation lateDuplicateWebhooks(java.time.Duration after);

    /** Fault: no webhook is delivered at all (the receiver must fall back to polling). */
    RunningHubEmulation dropWebhooks();

    /** How many webhook calls were made since start. */
    long webhooksSent();

    /** The HTTP status of each answered webhook call, in the order the answers came ({@code -1}: no answer). */
    java.util.List<Integer> webhookAnswers();
}
