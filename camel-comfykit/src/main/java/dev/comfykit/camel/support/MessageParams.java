package dev.comfykit.camel.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.camel.ComfyKitConfiguration;
import dev.comfykit.camel.ComfyKitConstants;
import dev.comfykit.client.InvalidParameterException;
import dev.comfykit.client.MediaInput;
import dev.comfykit.client.MediaPolicy;
import dev.comfykit.client.dsl.ParamSpec;
import dev.comfykit.client.dsl.ParamType;
import dev.comfykit.client.dsl.WorkflowSchema;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.WrappedFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a Camel message into workflow params for one endpoint, keeping what the route fixed out of the message's
 * reach. Sources, the most specific winning:
 * <ol>
 * <li>the endpoint's {@code defaultParam.NAME=value} options (trusted, overridable);</li>
 * <li>the body: a {@code Map} or JSON object is params; plain text goes to the text param; {@code byte[]},
 * {@code InputStream}, {@code File}, {@code Path} and file messages go to the media param (uploaded under the
 * message's file name); bytes and streams with a textual {@code Content-Type} (text/*, JSON) are read as text, and
 * a JSON content type must hold a JSON object; an empty body or an HTML form body adds nothing; a file message whose
 * workflow has no media param is read as text;</li>
 * <li>headers named like a declared param, only those the {@code headerParams} option lists (a header named like a
 * declared param that is not listed fails the exchange: nothing is silently ignored);</li>
 * <li>the {@code CamelComfyKitParams} header, a map;</li>
 * <li>the endpoint's {@code param.NAME=value} options: locked, a message that tries to set one fails.</li>
 * </ol>
 * Message data is untrusted: a text that a message gives for a media param goes through the endpoint's
 * {@link MediaPolicy} (by default only the name of a file in the server's input folder), while objects the route
 * produced (bytes, streams, files) are uploaded as they are. Values are coerced to each param's type by the client
 * ({@code "42"} becomes an int).
 */
public final class MessageParams {

    private static final Logger LOG = LoggerFactory.getLogger(MessageParams.class);
    private static final int MAX_WARNED_HEADERS = 100;

    private final ComfyKitConfiguration configuration;
    private final MediaPolicy mediaPolicy;
    private final Set<String> headerParams;
    private final boolean allHeaders;
    /** Header names already warned about (bounded: the names come from callers). */
    private final Set<String> warnedHeaders = ConcurrentHashMap.newKeySet();

    /**
     * @throws IllegalArgumentException naming the option when the allow-lists are malformed
     */
    public MessageParams(ComfyKitConfiguration configuration) {
        this.configuration = configuration;
        this.mediaPolicy = mediaPolicy(configuration);
        Set<String> names = new LinkedHashSet<>(split(configuration.getHeaderParams()));
        this.allHeaders = names.remove("*");
        this.headerParams = Set.copyOf(names);
    }

    private static MediaPolicy mediaPolicy(ComfyKitConfiguration configuration) {
        try {
            return MediaPolicy.untrusted()
                    .allowedDirectories(split(configuration.getAllowedMediaDirectories()).stream().map(Path::of)
                            .toList())
                    .allowedUrlPrefixes(split(configuration.getAllowedMediaUrls()))
                    .maxDataBytes(configuration.getMaxUploadBytes())
                    .build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("option allowedMediaDirectories/allowedMediaUrls: " + e.getMessage(),
                    e);
        }
    }

    private static List<String> split(String list) {
        if (list == null || list.isBlank()) {
            return List.of();
        }
        return Arrays.stream(list.split(",")).map(String::trim).filter(item -> !item.isEmpty()).toList();
    }

    /**
     * Checks the endpoint's own params and allow-list against a workflow, for failing at start rather than at the
     * first message.
     *
     * @throws IllegalArgumentException naming the option and the problem
     */
    public void check(WorkflowSchema schema) {
        try {
            checkOptions(schema);
        } catch (InvalidParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private void checkOptions(WorkflowSchema schema) {
        for (String name : configuration.getParam().keySet()) {
            if (configuration.getDefaultParam().containsKey(name)) {
                throw new IllegalArgumentException("param." + name + " and defaultParam." + name + " are both set;"
                        + " keep param." + name + " to lock the value, or defaultParam." + name
                        + " to let messages override it.");
            }
        }
        check("param.", configuration.getParam(), schema);
        check("defaultParam.", configuration.getDefaultParam(), schema);
        for (String name : headerParams) {
            if (schema.param(name) == null) {
                check("headerParams", Map.of(name, ""), schema);
            }
            if (configuration.getParam().containsKey(name)) {
                throw new IllegalArgumentException("headerParams lists '" + name + "', but param." + name
                        + " locks it; remove one of them (defaultParam." + name
                        + " gives a default that headers may override).");
            }
        }
        if (configuration.getTextParam() != null) {
            declared("textParam", configuration.getTextParam(), schema);
        }
        if (configuration.getMediaParam() != null) {
            declared("mediaParam", configuration.getMediaParam(), schema);
        }
    }

    /**
     * Checks options' params against the workflow; the message names the option ({@code option param.widht:},
     * {@code option headerParams:}) before the client's text.
     */
    private static void check(String option, Map<String, Object> params, WorkflowSchema schema) {
        try {
            schema.checkParams(params);
        } catch (InvalidParameterException e) {
            String named = option.endsWith(".") && e.getParam() != null ? option + e.getParam() : option;
            throw new InvalidParameterException(e.getParam(), "option " + named + ": " + e.getMessage(), e);
        }
    }

    /**
     * The params for a message and a workflow.
     *
     * @throws InvalidParameterException when the message does not fit the workflow (e.g. text for a workflow with no
     *                                   text param) or tries what the route does not allow, naming the option that
     *                                   fixes it
     */
    public Map<String, Object> resolve(Exchange exchange, WorkflowSchema schema) {
        Message message = exchange.getMessage();
        Map<String, Object> fromMessage = new LinkedHashMap<>();
        fromBody(exchange, message.getBody(), configuration, schema, fromMessage);
        for (ParamSpec spec : schema.getParams()) {
            Object header = message.getHeader(spec.getName());
            if (header != null) {
                fromMessage.put(spec.getName(), headerParam(spec.getName(), header));
            }
        }
        warnAboutNearMisses(message, schema);
        Object explicit = message.getHeader(ComfyKitConstants.PARAMS);
        if (explicit instanceof Map<?, ?> map) {
            map.forEach((k, v) -> fromMessage.put(String.valueOf(k), v));
        } else if (explicit != null) {
            throw new InvalidParameterException(null, "The " + ComfyKitConstants.PARAMS + " header must be a Map of"
                    + " param name to value, but it is a " + explicit.getClass().getName());
        }
        Map<String, Object> params = new LinkedHashMap<>(configuration.getDefaultParam());
        fromMessage.forEach((name, value) -> params.put(name, untrusted(name, value, schema)));
        params.putAll(configuration.getParam());
        return params;
    }

    /**
     * A header that is not named like a param but nearly like one that headers may set ({@code sed} for
     * {@code seed}) is most likely a caller's typo. It cannot fail the exchange (any route carries headers of its
     * own, and HTTP callers send many), so it is logged at WARN, once per header name.
     */
    private void warnAboutNearMisses(Message message, WorkflowSchema schema) {
        if (!allHeaders && headerParams.isEmpty()) {
            return;
        }
        for (String name : message.getHeaders().keySet()) {
            if (name.regionMatches(true, 0, "Camel", 0, 5) || schema.param(name) != null) {
                continue;
            }
            String suggestion = schema.closestParam(name);
            if (suggestion != null && (allHeaders || headerParams.contains(suggestion))
                    && warnedHeaders.size() < MAX_WARNED_HEADERS && warnedHeaders.add(name)) {
                LOG.warn("Header '{}' is ignored: the workflow has no param of that name (did you mean '{}'?)."
                        + " Only headers named exactly like a param, and listed in headerParams, become params."
                        + " Logged once per header name.", printable(name), suggestion);
            }
        }
    }

    /** A caller's header name, safe to log: at most 64 characters, no control characters. */
    private static String printable(String name) {
        String shown = name.length() > 64 ? name.substring(0, 64) + "..." : name;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }

    private Object headerParam(String name, Object value) {
        if (configuration.getParam().containsKey(name)) {
            throw locked(name);
        }
        if (!allHeaders && !headerParams.contains(name)) {
            throw new InvalidParameterException(name, "The message has a header '" + name + "', named like a param"
                    + " of the workflow, but this endpoint does not take that param from headers. Send it in the body"
                    + " or the " + ComfyKitConstants.PARAMS + " header, or list it in the endpoint option headerParams"
                    + (headerParams.isEmpty() ? "" : " (now: " + String.join(",", headerParams) + ")") + ".");
        }
        return value;
    }

    /** A value from the message: never a locked param, and a text for a media param passes the media policy. */
    private Object untrusted(String name, Object value, WorkflowSchema schema) {
        if (configuration.getParam().containsKey(name)) {
            throw locked(name);
        }
        ParamSpec spec = schema.param(name);
        if (spec != null && spec.isUpload() && value instanceof CharSequence text) {
            return mediaPolicy.resolve(name, text.toString());
        }
        return value;
    }

    private InvalidParameterException locked(String name) {
        return new InvalidParameterException(name, "Param '" + name + "' is fixed by the route (param." + name + "="
                + configuration.getParam().get(name) + ") and cannot be set by the message.");
    }

    private static void fromBody(Exchange exchange, Object body, ComfyKitConfiguration configuration,
                                 WorkflowSchema schema, Map<String, Object> params) {
        if (body == null) {
            return;
        }
        if (body instanceof Map) {
            ((Map<?, ?>) body).forEach((k, v) -> params.put(String.valueOf(k), v));
        } else if (body instanceof JsonNode && ((JsonNode) body).isObject()) {
            params.putAll(JsonParams.toMap((JsonNode) body));
        } else if (body instanceof CharSequence) {
            String contentType = contentType(exchange);
            if (!isForm(contentType)) {
                fromText(body.toString(), configuration, schema, params, isJson(contentType));
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
                                 Map<String, Object> params, boolean declaredJson) {
        String trimmed = text.trim();
        if (trimmed.isEmpty()) {
            return;
        }
        if (declaredJson) {
            params.putAll(jsonObject(trimmed));
            return;
        }
        if (trimmed.startsWith("{")) {
            try {
                JsonNode json = JsonParams.read(trimmed);
                if (json != null && json.isObject()) {
                    params.putAll(JsonParams.toMap(json));
                    return;
                }
            } catch (IOException e) {
                // not JSON: plain text that happens to start with a brace
            }
        }
        params.put(textParam(configuration, schema), text);
    }

    /** A body that says it is JSON: a JSON object of params, or a clear failure (never taken for prompt text). */
    private static Map<String, Object> jsonObject(String text) {
        JsonNode json;
        try {
            json = JsonParams.read(text);
        } catch (IOException e) {
            String problem = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new InvalidParameterException(null, "The message body has a JSON Content-Type but is not valid"
                    + " JSON: " + problem + ". Send a JSON object of params, e.g. {\"prompt\": \"a cat\"}.");
        }
        if (json == null || !json.isObject()) {
            throw new InvalidParameterException(null, "The message body has a JSON Content-Type but is a JSON "
                    + (json == null ? "nothing" : json.getNodeType().name().toLowerCase(java.util.Locale.ROOT))
                    + ", not an object. Send a JSON object of params, e.g. {\"prompt\": \"a cat\"}.");
        }
        return JsonParams.toMap(json);
    }

    /**
     * Bytes and streams: empty means no body (an HTTP GET), a textual content type means text or JSON (an HTTP
     * POST of a prompt or of params), anything else is a file for the media param.
     */
    private static void fromBytes(Exchange exchange, Object body, ComfyKitConfiguration configuration,
                                  WorkflowSchema schema, Map<String, Object> params) {
        String declared = contentType(exchange);
        if (body instanceof InputStream stream && !isText(declared) && !isForm(declared)) {
            // a binary stream is uploaded as it is read (spooled to a temporary file), never read into heap here
            java.io.BufferedInputStream buffered = new java.io.BufferedInputStream(stream);
            try {
                buffered.mark(1);
                if (buffered.read() < 0) {
                    return;
                }
                buffered.reset();
            } catch (IOException e) {
                throw new InvalidParameterException(null, "The message body stream cannot be read: "
                        + e.getMessage(), e);
            }
            params.put(mediaParam(configuration, schema, body), media(exchange, buffered));
            return;
        }
        byte[] bytes = body instanceof byte[] ? (byte[]) body
                : exchange.getContext().getTypeConverter().convertTo(byte[].class, exchange, body);
        String contentType = contentType(exchange);
        if (bytes == null || bytes.length == 0 || isForm(contentType)) {
            return;
        }
        if (isText(contentType)) {
            fromText(new String(bytes, charset(exchange)), configuration, schema, params, isJson(contentType));
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
        return contentType != null && (contentType.toLowerCase(java.util.Locale.ROOT).startsWith("text/")
                || isJson(contentType));
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.toLowerCase(java.util.Locale.ROOT);
        return type.startsWith("application/json") || type.contains("+json");
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
            fromText(text == null ? "" : text, configuration, schema, params, false);
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
        if (body instanceof InputStream stream) {
            return name == null ? stream : MediaInput.of(stream, name);
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
