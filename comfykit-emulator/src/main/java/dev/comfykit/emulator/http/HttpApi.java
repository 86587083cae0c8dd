package dev.comfykit.emulator.http;

import dev.comfykit.emulator.ProtocolVersion;
import dev.comfykit.emulator.execution.ExecutionEngine;
import dev.comfykit.emulator.faults.FaultRegistry;
import dev.comfykit.emulator.files.DataDirectories;
import dev.comfykit.emulator.nodes.NodeRegistry;
import dev.comfykit.emulator.queue.PromptQueue;
import dev.comfykit.emulator.runninghub.RunningHubService;
import dev.comfykit.emulator.validation.PromptValidator;
import dev.comfykit.emulator.ws.WebSocketEndpoint;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The route table. Every ComfyUI route exists twice, at {@code /x} and {@code /api/x}, as in ComfyUI (the RunningHub
 * routes of {@link RunningHubRoutes} exist once, at their own paths); unknown routes give
 * aiohttp's 404, a known path with another method its 405, an unhandled failure the 500 text body.
 */
public final class HttpApi {

    /** Everything the routes need. */
    public record Parts(PromptQueue queue, ExecutionEngine engine, NodeRegistry registry, DataDirectories dirs,
                        FaultRegistry faults, PromptLog log, WebSocketEndpoint webSocket, Map<String, List<String>> models,
                        List<String> argv, RunningHubService runningHub, RequestCounts requests) {
    }

    /** ComfyUI's default {@code --max-upload-size}: 100 MB. */
    public static final long DEFAULT_MAX_BODY = 100L * 1024 * 1024;

    private HttpApi() {
    }

    /**
     * The server's request handler: WebSocket upgrades of {@code /ws} are taken before the router (an upgrade must
     * happen before the request is read), everything else goes through the router.
     */
    public static Handler<HttpServerRequest> handler(Vertx vertx, Parts parts, Path uploadTemp) {
        return handler(vertx, parts, uploadTemp, ProtocolVersion.V0_3_65);
    }

    /** As {@link #handler(Vertx, Parts, Path)}, speaking the given ComfyUI version's protocol. */
    public static Handler<HttpServerRequest> handler(Vertx vertx, Parts parts, Path uploadTemp,
                                                     ProtocolVersion protocol) {
        return handler(vertx, parts, uploadTemp, protocol, DEFAULT_MAX_BODY);
    }

    /** As {@link #handler(Vertx, Parts, Path, ProtocolVersion)}, refusing request bodies over {@code maxBody}. */
    public static Handler<HttpServerRequest> handler(Vertx vertx, Parts parts, Path uploadTemp,
                                                     ProtocolVersion protocol, long maxBody) {
        Router router = router(vertx, parts, uploadTemp, protocol, maxBody);
        return request -> {
            String path = request.path();
            String upgrade = request.getHeader("Upgrade");
            if ((path.equals("/ws") || path.equals("/api/ws")) && upgrade != null && upgrade.equalsIgnoreCase("websocket")) {
                if (RequestGuards.originRefused(request)) {
                    request.response().setStatusCode(403).putHeader("Content-Type", "application/octet-stream").end();
                    return;
                }
                FaultRegistry.Decision decision = parts.faults().decide("GET", path);
                if (decision.fails()) {
                    request.response().setStatusCode(decision.status()).end(decision.body() == null ? "" : decision.body());
                } else if (decision.delayMillis() > 0) {
                    request.pause();
                    vertx.setTimer(decision.delayMillis(), t -> parts.webSocket().upgrade(request));
                } else {
                    parts.webSocket().upgrade(request);
                }
                return;
            }
            router.handle(request);
        };
    }

    static Router router(Vertx vertx, Parts parts, Path uploadTemp, ProtocolVersion protocol, long maxBody) {
        Router router = Router.router(vertx);
        router.route().handler(RequestGuards::originCheck);
        BodyHandler uploads = BodyHandler.create(uploadTemp.toString()).setBodyLimit(maxBody).setDeleteUploadedFilesOnEnd(true)
                .setMergeFormAttributes(false);
        router.route("/upload/*").handler(uploads);
        router.route("/api/upload/*").handler(uploads);
        router.route("/task/openapi/upload").handler(uploads);
        router.route("/openapi/v2/media/upload/binary").handler(uploads);
        router.route().handler(ctx -> RequestGuards.rawBody(ctx, maxBody));
        RunningHubRoutes runningHub = new RunningHubRoutes(parts.runningHub());
        router.route().handler(runningHub::count);
        router.route().handler(parts.requests()::count);
        router.route().handler(ctx -> RequestGuards.faultGate(ctx, parts.faults()));

        PromptRoutes prompt = new PromptRoutes(parts.queue(), new PromptValidator(parts.registry()), parts.log(),
                protocol);
        QueueRoutes queue = new QueueRoutes(parts.queue(), parts.engine(), protocol);
        HistoryRoutes history = new HistoryRoutes(parts.queue().history());
        FileRoutes files = new FileRoutes(parts.dirs(), parts.faults());
        InfoRoutes info = new InfoRoutes(parts.registry(), parts.models(), parts.argv(), protocol.version());

        on(router, HttpMethod.GET, "/ws", WebSocketEndpoint::notAnUpgrade);
        on(router, HttpMethod.GET, "/prompt", prompt::get);
        on(router, HttpMethod.POST, "/prompt", prompt::post);
        on(router, HttpMethod.GET, "/queue", queue::get);
        on(router, HttpMethod.POST, "/queue", queue::post);
        on(router, HttpMethod.POST, "/interrupt", queue::interrupt);
        on(router, HttpMethod.POST, "/free", queue::free);
        on(router, HttpMethod.GET, "/history", history::list);
        on(router, HttpMethod.GET, "/history/:prompt_id", history::one);
        on(router, HttpMethod.POST, "/history", history::post);
        on(router, HttpMethod.GET, "/view", files::view);
        // aiohttp answers HEAD for every GET route (clients ask whether a file is still there)
        on(router, HttpMethod.HEAD, "/view", files::view);
        on(router, HttpMethod.POST, "/upload/image", files::upload);
        on(router, HttpMethod.POST, "/upload/mask", files::uploadMask);
        on(router, HttpMethod.GET, "/object_info", info::objectInfo);
        on(router, HttpMethod.GET, "/object_info/:node_class", info::objectInfoOne);
        on(router, HttpMethod.GET, "/system_stats", info::systemStats);
        on(router, HttpMethod.GET, "/features", info::features);
        on(router, HttpMethod.GET, "/embeddings", info::emptyList);
        on(router, HttpMethod.GET, "/extensions", info::emptyList);
        on(router, HttpMethod.GET, "/models", info::models);
        on(router, HttpMethod.GET, "/models/:folder", info::modelsIn);
        if (protocol.jobsApi()) {
            // registered under /api only, as in ComfyUI (the route table already says /api/jobs)
            JobsRoutes jobs = new JobsRoutes(parts.queue(), parts.engine());
            Handler<RoutingContext> list = Responses.safe(jobs::list);
            router.route(HttpMethod.GET, "/api/jobs").handler(list);
            router.route(HttpMethod.POST, "/api/jobs/cancel").handler(Responses.safe(jobs::cancelBatch));
            router.route(HttpMethod.GET, "/api/jobs/:job_id").handler(Responses.safe(jobs::one));
            router.route(HttpMethod.POST, "/api/jobs/:job_id/cancel").handler(Responses.safe(jobs::cancel));
        }
        runningHub.mount(router);

        router.errorHandler(404, ctx -> Responses.text(ctx, 404, "404: Not Found"));
        router.errorHandler(405, ctx -> Responses.text(ctx, 405, "405: Method Not Allowed"));
        router.errorHandler(413, ctx -> Responses.text(ctx, 413, "413: Request Entity Too Large"));
        router.errorHandler(500, Responses::serverError);
        return router;
    }

    private static void on(Router router, HttpMethod method, String path, Handler<RoutingContext> handler) {
        Handler<RoutingContext> safe = Responses.safe(handler);
        router.route(method, path).handler(safe);
        router.route(method, "/api" + path).handler(safe);
    }
}
