package dev.comfykit.camel;

import org.apache.camel.spi.Metadata;

/**
 * The message headers of the {@code comfykit:} component.
 */
public final class ComfyKitConstants {

    @Metadata(label = "producer", description = "The workflow to run for this message instead of the endpoint's"
            + " (a file path, classpath: resource, http(s) URL or RunningHub id).", javaType = "String")
    public static final String WORKFLOW = "CamelComfyKitWorkflow";

    @Metadata(label = "producer", description = "Params for this message, a map; they win over the endpoint's"
            + " defaultParam.* options, the body and the headers listed in headerParams, but never over the locked"
            + " param.* options. Message data: a text for a media param only names a file on the server unless"
            + " allowedMediaDirectories or allowedMediaUrls allow more.",
            javaType = "java.util.Map<String, Object>")
    public static final String PARAMS = "CamelComfyKitParams";

    @Metadata(label = "producer", description = "The operation for this message instead of the endpoint's.",
            javaType = "dev.comfykit.camel.ComfyKitOperation",
            enums = "execute,submit,await,cancel,describe")
    public static final String OPERATION = "CamelComfyKitOperation";

    @Metadata(label = "producer", description = "The queue priority of this message's prompt on the ComfyUI server:"
            + " normal, front or a queue number (lower runs first). Read only when the endpoint sets"
            + " priorityFromHeader=true, because the server's queue is shared: front also runs before other clients'"
            + " prompts. Otherwise a message carrying it fails with a validation error.", javaType = "String")
    public static final String PRIORITY = "CamelComfyKitPriority";

    @Metadata(description = "The prompt id (RunningHub: task id). Set on results; read by the await and cancel"
            + " operations.", javaType = "String")
    public static final String PROMPT_ID = "CamelComfyKitPromptId";

    @Metadata(label = "consumer", description = "The webhook consumer (comfykit:webhook): how the RunningHub task"
            + " ended, as RunningHub itself confirmed it after the webhook call: SUCCESS or FAILED (the task id is in"
            + " CamelComfyKitPromptId, the ExecuteResult in the body).", javaType = "String")
    public static final String TASK_STATE = "CamelComfyKitTaskState";

    @Metadata(label = "producer", description = "The status of the execution: completed or failed.",
            javaType = "String")
    public static final String STATUS = "CamelComfyKitStatus";

    @Metadata(label = "producer", description = "The seconds the execution took.", javaType = "Double")
    public static final String DURATION = "CamelComfyKitDuration";

    @Metadata(label = "producer", description = "Why a failed execution failed (when failures are returned as the"
            + " body): VALIDATION, EXECUTION, INTERRUPTED, TIMEOUT, LOST, CONNECTION, SERVER, CANCELLED,"
            + " OUTCOME_UNKNOWN, AUTHENTICATION or CONFIGURATION.",
            javaType = "dev.comfykit.client.ErrorKind")
    public static final String ERROR_KIND = "CamelComfyKitErrorKind";

    @Metadata(label = "producer", description = "What the cancel operation did: INTERRUPTED, REMOVED_FROM_QUEUE or"
            + " NOT_FOUND.", javaType = "dev.comfykit.client.CancelOutcome")
    public static final String CANCEL_OUTCOME = "CamelComfyKitCancelOutcome";

    @Metadata(label = "producer", description = "On messages split from a result's outputs: the output variable"
            + " (or node id) of the file.", javaType = "String")
    public static final String OUTPUT_VARIABLE = "CamelComfyKitOutputVariable";

    @Metadata(label = "producer", description = "On messages split from a result's outputs: IMAGE, VIDEO or AUDIO.",
            javaType = "dev.comfykit.client.MediaKind")
    public static final String OUTPUT_KIND = "CamelComfyKitOutputKind";

    @Metadata(label = "producer", description = "The base name for the output files: saved outputs (outputDirectory)"
            + " and messages split by ComfyKitExpressions.outputFiles() are named NAME.EXT, or NAME-1.EXT, NAME-2.EXT..."
            + " for several outputs (the extension is the server's). Wins over outputNameFromInput. Untrusted: made a safe file"
            + " name (directory parts, '..' and reserved characters removed), never a path.", javaType = "String")
    public static final String OUTPUT_NAME = "CamelComfyKitOutputName";

    @Metadata(description = "With a jobStore: the job's id. Read by execute and submit to name the job (e.g. an id"
            + " derived from the input, so that a redelivered message joins its job instead of running it twice; a"
            + " random id when absent) and by await; set on results and on the messages of the comfykit:jobs"
            + " consumer.", javaType = "String")
    public static final String JOB_ID = "CamelComfyKitJobId";

    @Metadata(description = "With a jobStore: the job's state as recorded, on results and on the messages of the"
            + " comfykit:jobs consumer: SUCCEEDED, FAILED or CANCELLED (QUEUED after submit).",
            javaType = "dev.comfykit.client.jobs.JobState")
    public static final String JOB_STATE = "CamelComfyKitJobState";
    @Metadata(label = "producer", description = "A label selector for this message's prompt, e.g. gpu=a100 or"
            + " gpu=a100,vram=48 (a bare key: the label present, any value): the prompt runs only on servers of the"
            + " pool that carry all of them. Honoured only with serverLabelsFromHeader=true (otherwise ignored, with"
            + " one warning). Message data: it only narrows the endpoint's servers (serverLabels), never widens"
            + " them, and names labels only, never a server or URL. When no server matches, the exchange fails at"
            + " once (validation) naming each server and why.", javaType = "String")
    public static final String SERVER_LABELS = "CamelComfyKitServerLabels";

    @Metadata(label = "producer", description = "Set on results (execute, await) and on submit: the name of the"
            + " ComfyUI server that ran (or accepted) the prompt, as the health checks name it: a servers entry's"
            + " name (host:port when it has none), or, with one comfyuiUrl server, its URL with credentials masked."
            + " For a failure, the server of the last attempt; absent when no server was tried and for RunningHub.",
            javaType = "String")
    public static final String SERVER = "CamelComfyKitServer";

    @Metadata(label = "consumer", description = "On event messages (the events consumer, progressUri): the event's"
            + " type: progress, executing, executed, preview, queue, started, cached, success, error or missed. The body"
            + " is the typed event (dev.comfykit.client.events.ComfyEvent).", javaType = "String")
    public static final String EVENT_TYPE = "CamelComfyKitEventType";

    @Metadata(label = "consumer", description = "On event messages: the node the event is about, when it is about one.",
            javaType = "String")
    public static final String NODE = "CamelComfyKitNode";

    @Metadata(label = "consumer", description = "On event messages: true on the marker that says events may have been"
            + " missed (the WebSocket was down, or the consumer's buffer overflowed); the body says why.",
            javaType = "Boolean")
    public static final String EVENTS_MISSED = "CamelComfyKitEventsMissed";

    private ComfyKitConstants() {
    }
}
