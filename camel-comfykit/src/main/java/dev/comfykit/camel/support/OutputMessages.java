package dev.comfykit.camel.support;

import dev.comfykit.camel.ComfyKitConstants;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.OutputFile;
import dev.comfykit.client.output.OutputNames;
import dev.comfykit.client.output.SafeFileNames;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultMessage;
import org.apache.camel.support.ExpressionAdapter;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a result into one message per output file: the body is the {@link OutputFile} (which converts to
 * {@code byte[]} or {@code InputStream}), with {@code CamelFileName} set to a safe version of the server's file
 * name (or, when the {@code CamelComfyKitOutputName} header is set, {@code <name>.<ext>} / {@code <name>-1.<ext>}...),
 * {@code Content-Type}, and the output variable and kind. So
 * {@code .split(ComfyKitExpressions.outputFiles()).to("file:outbox")} writes every output.
 */
public final class OutputMessages extends ExpressionAdapter {

    @Override
    public Object evaluate(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        if (!(body instanceof ExecuteResult)) {
            throw new IllegalArgumentException("ComfyKit output files can be split from an ExecuteResult body only,"
                    + " not from " + (body == null ? "an empty body" : body.getClass().getName()));
        }
        ExecuteResult result = (ExecuteResult) body;
        String baseName = exchange.getMessage().getHeader(ComfyKitConstants.OUTPUT_NAME, String.class);
        int count = result.getFiles().size();
        List<Message> messages = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            OutputFile file = result.getFiles().get(i);
            Message message = new DefaultMessage(exchange.getContext());
            message.setBody(file);
            message.setHeader(Exchange.FILE_NAME, baseName == null || baseName.isBlank()
                    ? SafeFileNames.sanitize(file.getFilename())
                    : OutputNames.forOutput(baseName, file.getFilename(), i, count));
            message.setHeader(Exchange.CONTENT_TYPE, file.getContentType());
            message.setHeader(ComfyKitConstants.OUTPUT_VARIABLE, file.getVariable());
            message.setHeader(ComfyKitConstants.OUTPUT_KIND, file.getKind());
            message.setHeader(ComfyKitConstants.PROMPT_ID, result.getPromptId());
            messages.add(message);
        }
        return messages;
    }

    /** The expression. */
    public static Expression create() {
        return new OutputMessages();
    }

    @Override
    public String toString() {
        return "comfykitOutputFiles";
    }
}
