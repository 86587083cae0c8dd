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

    private ComfyKitConstants() {
    }
}
