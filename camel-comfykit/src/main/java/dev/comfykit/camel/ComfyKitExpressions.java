package dev.comfykit.camel;

import dev.comfykit.camel.support.OutputMessages;
import org.apache.camel.Expression;

/**
 * Expressions for routes that use ComfyKit results.
 */
public final class ComfyKitExpressions {

    private ComfyKitExpressions() {
    }

    /**
     * One message per output file of an {@code ExecuteResult} body, with {@code CamelFileName} (a safe name),
     * {@code Content-Type}, {@code CamelComfyKitOutputVariable} and {@code CamelComfyKitOutputKind}; the body is the
     * {@code OutputFile}, which converts to {@code byte[]} or {@code InputStream}:
     * <pre>{@code .split(ComfyKitExpressions.outputFiles()).to("file:outbox")}</pre>
     */
    public static Expression outputFiles() {
        return OutputMessages.create();
    }
}
