package dev.comfykit.camel.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.camel.ComfyKitConfiguration;
import dev.comfykit.camel.ComfyKitConstants;
import dev.comfykit.client.InvalidParameterException;
import dev.comfykit.client.MediaInput;
import dev.comfykit.client.dsl.ParamSpec;
import dev.comfykit.client.dsl.ParamType;
import dev.comfykit.client.dsl.WorkflowSchema;
import dev.comfykit.client.json.Json;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.WrappedFile;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a Camel message into workflow params, the most specific source winning:
 * <ol>
 * <li>the endpoint's {@code param.NAME=value} options;</li>
 * <li>the body: a {@code Map} or JSON object is params; plain text goes to the text param; {@code byte[]},
 * {@code InputStream}, {@code File}, {@code Path} and file messages go to the media param (uploaded under the
 * message's file name); bytes and streams with a textual {@code Content-Type} (text/*, JSON) are read as text; an
 * empty body or an HTML form body adds nothing; a file message whose workflow has no media param is read as
 * text;</li>
 * <li>headers named like a declared param (only declared names are read, so HTTP query parameters of
 * {@code platform-http} map directly, and unrelated headers are ignored);</li>
 * <li>the {@code CamelComfyKitParams} header, a map.</li>
 * </ol>
 * Values are coerced to each param's type by the client ({@code "42"} becomes an int).
 */
public final class MessageParams {

    private MessageParams() {
    }

    /**
     * The params for a message and a workflow.
     *
     * @throws InvalidParameterException when the body does not fit the workflow (e.g. text for a workflow with no
     *                                   text param), naming the option that fixes it
     */
    public static Map<String, Object> resolve(Exchange exchange, ComfyKitConfiguration configuration,
                                              WorkflowSchema schema) {
        Message message = exchange.getMessage();
        Map<String, Object> params = new LinkedHashMap<>(configuration.getParams());
        fromBody(exchange, message.getBody(), configuration, schema, params);
        for (ParamSpec spec : schema.getParams()) {
            Object header = message.getHeader(spec.getName());
            if (header != null) {
                params.put(spec.getName(), header);
            }
        }
        Object explicit = message.getHeader(ComfyKitConstants.PARAMS);
        if (explicit instanceof Map) {
            ((Map<?, ?>) explicit).forEach((k, v) -> params.put(String.valueOf(k), v));
        } else if (explicit != null) {
            throw new InvalidParameterException(null, "The " + ComfyKitConstants.PARAMS + " header must be a Map of"
                    + " param name to value, but it is a " + explicit.getClass().getName());
        }
        return params;
    }

    private static void fromBody(Exchange exchange, Object body, ComfyKitConfiguration configuration,
                                 WorkflowSchema schema, Map<String, Object> params) {
        if (body == null) {
            return;
        }
        if (body instanceof Map) {
            ((Map<?, ?>) body).forEach((k, v) -> params.put(String.valueOf(k), v));
        } else if (body instanceof JsonNode && ((JsonNode) body).isObject()) {
            params.putAll(Json.toMap((JsonNode) body));
        } else if (body instanceof CharSequence) {
            if (!isForm(contentType(exchange))) {
                fromText(body.toString(), configuration, schema, params);
            }
        } else if (body instanceof WrappedFile) {
            fromFileMessage(exchange, (WrappedFile<?>) body, configuration, schema, params);
        } else if (body instanceof byte[] || body instanceof InputStream) {
            fromBytes(exchange, body, configuration, schema, params);
        } else if (body instanceof File || body instanceof Path || body instanceof MediaInput) {
            params.put(mediaParam(configuration, schema, body), media(exchange, body));
        } else {
            throw new InvalidParameterException(null, "A message body of type " + body.getClass().getName()
                    + " cannot become workflow params: send a Map or JSON object of params, plain text (for the"
                    + " text param), a file or bytes (for the media param), or set the params in headers.");
        }
    }

    private static void fromText(String text, ComfyKitConfiguration configuration, WorkflowSchema schema,
                                 Map<String, Object> params) {
        String trimmed = text.trim();
        if (trimmed.isEmpty()) {
            return;
        }
        if (trimmed.startsWith("{")) {
            try {
                JsonNode json = Json.mapper().readTree(trimmed);
                if (json != null && json.isObject()) {
                    params.putAll(Json.toMap(json));
                    return;
                }
            } catch (IOException e) {
                // not JSON: plain text that happens to start with a brace
            }
        }
        params.put(textParam(configuration, schema), text);
    }

    /**
     * Bytes and streams: empty means no body (an HTTP GET), a textual content type means text or JSON (an HTTP
     * POST of a prompt or of params), anything else is a file for the media param.
     */
    private static void fromBytes(Exchange exchange, Object body, ComfyKitConfiguration configuration,
                                  WorkflowSchema schema, Map<String, Object> params) {
        byte[] bytes = body instanceof byte[] ? (byte[]) body
                : exchange.getContext().getTypeConverter().convertTo(byte[].class, exchange, body);
        String contentType = contentType(exchange);
        if (bytes == null || bytes.length == 0 || isForm(contentType)) {
            return;
        }
        if (isText(contentType)) {
            fromText(new String(bytes, charset(exchange)), configuration, schema, params);
            return;
        }
        params.put(mediaParam(configuration, schema, body), media(exchange, bytes));
    }

    private static String contentType(Exchange exchange) {
        return exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
    }

    /** An HTML form, whose fields the HTTP components already turned into headers: the body adds nothing. */
    private static boolean isForm(String contentType) {
        return contentType != null
                && contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    private static boolean isText(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.toLowerCase(java.util.Locale.ROOT);
        return type.startsWith("text/") || type.startsWith("application/json") || type.contains("+json");
    }

    private static java.nio.charset.Charset charset(Exchange exchange) {
        String name = exchange.getProperty(Exchange.CHARSET_NAME, String.class);
        try {
            return name == null ? java.nio.charset.StandardCharsets.UTF_8 : java.nio.charset.Charset.forName(name);
        } catch (IllegalArgumentException e) {
            return java.nio.charset.StandardCharsets.UTF_8;
        }
    }

    private static void fromFileMessage(Exchange exchange, WrappedFile<?> file, ComfyKitConfiguration configuration,
                                        WorkflowSchema schema, Map<String, Object> params) {
        if (configuration.getMediaParam() == null && schema.mediaParams().isEmpty()) {
            String text = exchange.getContext().getTypeConverter().convertTo(String.class, exchange, file);
            fromText(text == null ? "" : text, configuration, schema, params);
            return;
        }
        params.put(mediaParam(configuration, schema, file), media(exchange, file));
    }

    private static Object media(Exchange exchange, Object body) {
        if (body instanceof MediaInput || body instanceof Path) {
            return body;
        }
        if (body instanceof File) {
            return ((File) body).toPath();
        }
        String name = exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        if (name == null) {
            name = exchange.getMessage().getHeader(Exchange.FILE_NAME, String.class);
        }
        if (body instanceof WrappedFile) {
            Object file = ((WrappedFile<?>) body).getFile();
            if (file instanceof File) {
                return MediaInput.of(((File) file).toPath());
            }
        }
        byte[] bytes = body instanceof byte[] ? (byte[]) body
                : exchange.getContext().getTypeConverter().convertTo(byte[].class, exchange, body);
        if (bytes == null) {
            throw new InvalidParameterException(null, "The message body cannot be read as bytes for upload.");
        }
        return name == null ? bytes : MediaInput.of(bytes, name);
    }

    /** The param an option names, which the workflow must declare. */
    private static String declared(String option, String chosen, WorkflowSchema schema) {
        if (schema.param(chosen) == null) {
            throw new InvalidParameterException(chosen, option + "=" + chosen + " names no param of workflow "
                    + schema.getOrigin() + ". Declared params: " + schema.describeParams());
        }
        return chosen;
    }

    static String textParam(ComfyKitConfiguration configuration, WorkflowSchema schema) {
        String chosen = configuration.getTextParam();
        if (chosen != null) {
            return declared("textParam", chosen, schema);
        }
        if (schema.param("prompt") != null) {
            return "prompt";
        }
        List<String> requiredText = new ArrayList<>();
        for (ParamSpec spec : schema.getParams()) {
            if (spec.isRequired() && (spec.getType() == ParamType.STRING || spec.getType() == ParamType.ANY)) {
                requiredText.add(spec.getName());
            }
        }
        if (requiredText.size() == 1) {
            return requiredText.get(0);
        }
        throw new InvalidParameterException(null, "The message body is plain text, but workflow "
                + schema.getOrigin() + " has no param named 'prompt' and " + (requiredText.isEmpty() ? "no"
                : "several (" + requiredText + ")") + " required text params to put it in. Set the endpoint option"
                + " textParam to the param that should receive it. Declared params: " + schema.describeParams());
    }

    static String mediaParam(ComfyKitConfiguration configuration, WorkflowSchema schema, Object body) {
        String chosen = configuration.getMediaParam();
        if (chosen != null) {
            return declared("mediaParam", chosen, schema);
        }
        List<ParamSpec> media = schema.mediaParams();
        if (media.size() == 1) {
            return media.get(0).getName();
        }
        String kind = body.getClass().getSimpleName();
        String problem;
        if (media.isEmpty()) {
            // bytes and streams are taken for a file only because nothing says they are text
            boolean maybeText = body instanceof byte[] || body instanceof InputStream;
            problem = "no media param ($~name title marker or a loader node) to upload it to" + (maybeText
                    ? "; if the body is text or JSON, set the Content-Type header to text/plain or application/json"
                    : "");
        } else {
            problem = "several media params " + media.stream().map(ParamSpec::getName).toList()
                    + "; set the endpoint option mediaParam to choose one";
        }
        throw new InvalidParameterException(null, "The message body is a file (" + kind + "), but workflow "
                + schema.getOrigin() + " has " + problem + ". Declared params: " + schema.describeParams());
    }
}
