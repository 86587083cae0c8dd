package dev.comfykit.client.internal.workflow;

import dev.comfykit.client.WorkflowSource;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.client.InvalidWorkflowException;
import dev.comfykit.client.dsl.WorkflowSchema;
import dev.comfykit.client.internal.dsl.WorkflowSchemaParser;
import dev.comfykit.client.internal.execution.Failures;
import dev.comfykit.client.internal.http.UrlFetcher;
import dev.comfykit.client.internal.http.UrlRedactor;
import dev.comfykit.client.internal.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Loads workflows from their sources and parses their title DSL once: files are cached until they change on disk,
 * classpath resources for the life of the loader; URLs are fetched every time (plainly, size-bounded).
 */
public final class WorkflowLoader {

    private static final int CACHE_SIZE = 256;

    private final UrlFetcher fetcher;
    private final Executor io;
    private final long maxBytes;
    private final ClassLoader classLoader;
    private final Map<Object, Cached> cache = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Object, Cached> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    private record Cached(Object version, LoadedWorkflow loaded) {
    }

    /**
     * @param classLoader where {@code classpath:} resources are looked up, or {@code null} for the thread context
     *                    class loader with this library's as a fallback
     */
    public WorkflowLoader(UrlFetcher fetcher, Executor io, long maxBytes, ClassLoader classLoader) {
        this.fetcher = fetcher;
        this.io = io;
        this.maxBytes = maxBytes;
        this.classLoader = classLoader;
    }

    /** Loads a source. Fails with {@link InvalidWorkflowException} naming the source and the fix. */
    public CompletableFuture<LoadedWorkflow> load(WorkflowSource source) {
        return switch (source.kind()) {
            case RUNNINGHUB_WORKFLOW, RUNNINGHUB_APP ->
                    CompletableFuture.completedFuture(LoadedWorkflow.runningHub(source));
            case URL -> fetcher.fetch(URI.create(source.location()), maxBytes).handle((fetched, error) -> {
                if (error != null) {
                    throw new CompletionException(new InvalidWorkflowException("Cannot download workflow "
                            + UrlRedactor.redact(source.location()) + ": " + Failures.message(error), error));
                }
                return parse(source, new String(fetched.body(), StandardCharsets.UTF_8));
            });
            case CLASSPATH -> {
                // a classpath workflow is cached for the loader's life: answer a hit at once, without a hop to an
                // I/O thread (a thread hand-off costs 0.1-0.8 ms on an idle 2-core machine)
                Cached hit = cached(source.location(), "");
                yield hit != null ? CompletableFuture.completedFuture(hit.loaded())
                        : CompletableFuture.supplyAsync(() -> fromClasspath(source), io);
            }
            case FILE -> CompletableFuture.supplyAsync(() -> fromFile(source), io);
        };
    }

    /** Parses in-memory JSON text (not cached). */
    public LoadedWorkflow parseInline(String json) {
        Objects.requireNonNull(json, "workflow JSON");
        return parse(json, "inline JSON");
    }

    /** Wraps an in-memory workflow tree (not cached). */
    public LoadedWorkflow wrapInline(JsonNode tree) {
        Workflow workflow = Workflow.of(tree, "inline JSON");
        return LoadedWorkflow.local(workflow, WorkflowSchemaParser.parse(workflow));
    }

    /** Wraps in-memory maps (not cached). */
    public LoadedWorkflow wrapInline(Map<String, ?> map) {
        Workflow workflow = Workflow.of(map, "inline JSON");
        return LoadedWorkflow.local(workflow, WorkflowSchemaParser.parse(workflow));
    }

    private LoadedWorkflow fromFile(WorkflowSource source) {
        Path path = Path.of(source.location()).toAbsolutePath().normalize();
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException e) {
            throw new InvalidWorkflowException("Workflow file not found: " + path + " (given as '"
                    + source.location() + "', working directory " + Path.of("").toAbsolutePath()
                    + "). Pass an existing file, classpath:resource, an http(s) URL or a RunningHub workflow id.");
        }
        if (!attributes.isRegularFile()) {
            throw new InvalidWorkflowException("Workflow " + path + " is not a regular file.");
        }
        if (attributes.size() > maxBytes) {
            throw new InvalidWorkflowException("Workflow " + path + " is larger than " + maxBytes + " bytes.");
        }
        Object version = attributes.lastModifiedTime().toMillis() + ":" + attributes.size();
        Cached cached = cached(path, version);
        if (cached != null) {
            return cached.loaded();
        }
        String json;
        try {
            json = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidWorkflowException("Cannot read workflow " + path + ": " + e.getMessage(), e);
        }
        return remember(path, version, parse(json, path.toString()));
    }

    private LoadedWorkflow fromClasspath(WorkflowSource source) {
        String resource = source.location();
        Cached cached = cached(resource, "");
        if (cached != null) {
            return cached.loaded();
        }
        URL url = find(resource);
        if (url == null) {
            throw new InvalidWorkflowException("Workflow classpath:" + resource + " not found on the classpath."
                    + " Put it under src/main/resources/" + resource + " (or pass a file path instead).");
        }
        String json;
        try (InputStream in = url.openStream()) {
            json = new String(in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes)), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidWorkflowException("Cannot read workflow classpath:" + resource + ": " + e.getMessage(), e);
        }
        return remember(resource, "", parse(json, "classpath:" + resource));
    }

    private URL find(String resource) {
        if (classLoader != null) {
            return classLoader.getResource(resource);
        }
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        URL url = context == null ? null : context.getResource(resource);
        return url != null ? url : WorkflowLoader.class.getClassLoader().getResource(resource);
    }

    private LoadedWorkflow parse(WorkflowSource source, String json) {
        return parse(json, source.describe());
    }

    private static LoadedWorkflow parse(String json, String origin) {
        JsonNode tree;
        try {
            tree = Json.mapper().readTree(json);
        } catch (IOException e) {
            // let Workflow.parse produce the message with line and column
            Workflow.parse(json, origin);
            throw new InvalidWorkflowException("Workflow " + origin + " is not valid JSON", e);
        }
        if (tree != null && "runninghub".equals(tree.path("_source").asText(null))) {
            return LoadedWorkflow.runningHub(runningHubTarget(tree, origin));
        }
        Workflow workflow = tree == null ? Workflow.parse(json, origin) : Workflow.of(tree, origin);
        WorkflowSchema schema = WorkflowSchemaParser.parse(workflow);
        return LoadedWorkflow.local(workflow, schema);
    }

    private static WorkflowSource runningHubTarget(JsonNode stub, String origin) {
        String workflowId = stub.path("workflow_id").asText("");
        String appId = stub.path("webapp_id").asText("");
        if (!workflowId.isEmpty()) {
            return WorkflowSource.detect("runninghub:" + workflowId);
        }
        if (!appId.isEmpty()) {
            return WorkflowSource.detect("runninghub:app:" + appId);
        }
        throw new InvalidWorkflowException("Workflow " + origin + " says \"_source\": \"runninghub\" but has no"
                + " \"workflow_id\" (or \"webapp_id\"): add the RunningHub workflow id.");
    }

    private synchronized Cached cached(Object key, Object version) {
        Cached cached = cache.get(key);
        return cached != null && cached.version().equals(version) ? cached : null;
    }

    private synchronized LoadedWorkflow remember(Object key, Object version, LoadedWorkflow loaded) {
        cache.put(key, new Cached(version, loaded));
        return loaded;
    }
}
