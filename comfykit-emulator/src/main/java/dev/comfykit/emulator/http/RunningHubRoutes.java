package dev.comfykit.emulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.emulator.files.MimeTypes;
import dev.comfykit.emulator.runninghub.Envelopes;
import dev.comfykit.emulator.runninghub.OutputFile;
import dev.comfykit.emulator.runninghub.RunningHubService;
import dev.comfykit.emulator.runninghub.RunningHubV2;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * The RunningHub v1 and v2 routes (no {@code /api} aliases: RunningHub's paths are what they are) and the fake CDN that
 * serves task outputs under {@code /rh-cdn/{taskId}/{name}}. Business answers are HTTP 200 with the envelope.
 */
final class RunningHubRoutes {

    private static final String JSON = "application/json";
    private static final String ACCESS_DENIED = "<?xml version='1.0' encoding='utf-8' ?>\n<Error><Code>AccessDenied"
            + "</Code><Message>Access Denied.</Message></Error>";
    private static final String NO_SUCH_KEY = "<?xml version='1.0' encoding='utf-8' ?>\n<Error><Code>NoSuchKey"
            + "</Code><Message>The specified key does not exist.</Message></Error>";

    private final RunningHubService service;
    private final RunningHubV2 v2;

    RunningHubRoutes(RunningHubService service) {
        this.service = service;
        this.v2 = new RunningHubV2(service);
    }

    /** Counts requests to the RunningHub endpoints; runs before the fault gate so faulted requests count too. */
    void count(RoutingContext ctx) {
        String path = ctx.request().path();
        if (RunningHubService.isEndpoint(path)) {
            service.received(path);
        }
        ctx.next();
    }

    void mount(Router router) {
        post(router, "/api/openapi/getJsonApiFormat", json(service::getJsonApiFormat));
        post(router, "/task/openapi/create", json(service::create));
        post(router, "/task/openapi/ai-app/run", json(service::runApp));
        post(router, "/task/openapi/status", json(service::status));
        post(router, "/task/openapi/outputs", ctx -> send(ctx, service.outputs(Responses.body(ctx),
                cdnBase(ctx, service.baseUrl()))));
        post(router, "/task/openapi/cancel", json(service::cancel));
        post(router, "/task/openapi/upload", this::upload);
        post(router, "/uc/openapi/accountStatus", json(service::accountStatus));
        post(router, "/openapi/v2/run/workflow/:id", ctx -> reply(ctx, v2.runWorkflow(authorization(ctx),
                ctx.pathParam("id"), Responses.body(ctx))));
        post(router, "/openapi/v2/run/ai-app/:id", ctx -> reply(ctx, v2.runApp(authorization(ctx),
                ctx.pathParam("id"), Responses.body(ctx))));
        post(router, "/openapi/v2/query", ctx -> reply(ctx, v2.query(authorization(ctx), Responses.body(ctx),
                cdnBase(ctx, service.baseUrl()))));
        post(router, "/openapi/v2/media/upload/binary", this::uploadBinary);
        router.route("/openapi/v2/*").handler(Responses.safe(ctx -> reply(ctx, v2.unknownPath())));
        router.route(HttpMethod.GET, "/rh-media/openapi/:name").handler(Responses.safe(this::media));
        for (String namespace : new String[]{"/task/openapi/*", "/api/openapi/*", "/uc/openapi/*"}) {
            post(router, namespace, ctx -> send(ctx, service.unknownPath()));
        }
        router.route(HttpMethod.GET, "/rh-cdn/:taskId/:name").handler(Responses.safe(this::cdn));
    }

    private static void post(Router router, String path, Handler<RoutingContext> handler) {
        router.route(HttpMethod.POST, path).handler(Responses.safe(handler));
    }

    private static Handler<RoutingContext> json(Function<JsonNode, ObjectNode> endpoint) {
        return ctx -> send(ctx, endpoint.apply(Responses.body(ctx)));
    }

    private static void send(RoutingContext ctx, ObjectNode envelope) {
        ctx.response().setStatusCode(200).putHeader("Content-Type", JSON).end(Buffer.buffer(Envelopes.bytes(envelope)));
    }

    private static String authorization(RoutingContext ctx) {
        return ctx.request().getHeader("Authorization");
    }

    private static void reply(RoutingContext ctx, RunningHubV2.Reply reply) {
        ctx.response().setStatusCode(reply.status()).putHeader("Content-Type", JSON)
                .end(Buffer.buffer(Envelopes.bytes(reply.body())));
    }

    private void uploadBinary(RoutingContext ctx) {
        FileUpload file = null;
        for (FileUpload upload : ctx.fileUploads()) {
            if (upload.name().equals("file")) {
                file = upload;
                break;
            }
        }
        FileUpload part = file;
        String authorization = authorization(ctx);
        String base = cdnBase(ctx, service.baseUrl());
        ctx.vertx().<RunningHubV2.Reply>executeBlocking(() -> v2.upload(authorization,
                part == null ? null : Path.of(part.uploadedFileName()), part == null ? null : part.fileName(),
                part == null ? 0 : part.size(), base), false).onComplete(ar -> {
                    if (ar.failed()) {
                        Responses.serverError(ctx);
                    } else {
                        reply(ctx, ar.result());
                    }
                });
    }

    /** The {@code download_url} of a v2 upload: served plainly, like the outputs' CDN. */
    private void media(RoutingContext ctx) {
        Path file = v2.media(ctx.pathParam("name"));
        if (file == null) {
            xml(ctx, 404, NO_SUCH_KEY);
            return;
        }
        String type = MimeTypes.guess(file.getFileName().toString());
        ctx.response().putHeader("Content-Type", type == null ? "application/octet-stream" : type)
                .sendFile(file.toString());
    }

    private void upload(RoutingContext ctx) {
        String apiKey = ctx.request().formAttributes().get("apiKey");
        String fileType = ctx.request().formAttributes().get("fileType");
        FileUpload file = null;
        for (FileUpload upload : ctx.fileUploads()) {
            if (upload.name().equals("file")) {
                file = upload;
                break;
            }
        }
        FileUpload part = file;
        ctx.vertx().<ObjectNode>executeBlocking(() -> service.upload(apiKey,
                part == null ? null : Path.of(part.uploadedFileName()), part == null ? null : part.fileName(),
                part == null ? 0 : part.size(), fileType), false).onComplete(ar -> {
                    if (ar.failed()) {
                        Responses.serverError(ctx);
                    } else {
                        send(ctx, ar.result());
                    }
                });
    }

    /**
     * The fake CDN. Like a signed object-storage URL, it refuses requests that carry credentials: an
     * {@code Authorization} header or an {@code apiKey} query parameter get 403, so tests can prove that a client
     * never sends its RunningHub key to the file host.
     */
    private void cdn(RoutingContext ctx) {
        boolean keyInQuery = ctx.queryParams().names().stream().anyMatch(name -> name.equalsIgnoreCase("apikey"));
        if (ctx.request().getHeader("Authorization") != null || keyInQuery) {
            xml(ctx, 403, ACCESS_DENIED);
            return;
        }
        OutputFile file = service.cdnFile(ctx.pathParam("taskId"), ctx.pathParam("name"));
        if (file == null || (file.path() != null && !Files.isRegularFile(file.path()))) {
            xml(ctx, 404, NO_SUCH_KEY);
            return;
        }
        if (file.text() != null) {
            ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8").end(Buffer.buffer(file.text()));
            return;
        }
        String type = MimeTypes.guess(file.name());
        ctx.response().putHeader("Content-Type", type == null ? "application/octet-stream" : type)
                .sendFile(file.path().toString());
    }

    private static void xml(RoutingContext ctx, int status, String body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/xml").end(body);
    }

    /** The base of file URLs: the address the client used to reach the emulator. */
    static String cdnBase(RoutingContext ctx, String fallback) {
        String host = ctx.request().getHeader("Host");
        return host == null || host.isBlank() ? fallback : "http://" + host;
    }
}
