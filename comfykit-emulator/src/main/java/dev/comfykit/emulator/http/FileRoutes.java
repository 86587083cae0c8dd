package dev.comfykit.emulator.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.emulator.faults.FaultRegistry;
import dev.comfykit.emulator.files.DataDirectories;
import dev.comfykit.emulator.files.MaskUpload;
import dev.comfykit.emulator.files.MimeTypes;
import dev.comfykit.emulator.files.Uploads;
import dev.comfykit.emulator.json.Json;
import dev.comfykit.emulator.media.PngCodec;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.RoutingContext;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** {@code GET /view} and {@code POST /upload/image} with ComfyUI's path rules and status codes. */
final class FileRoutes {

    private final DataDirectories dirs;
    private final Uploads uploads;
    private final FaultRegistry faults;

    FileRoutes(DataDirectories dirs, FaultRegistry faults) {
        this.dirs = dirs;
        this.uploads = new Uploads(dirs);
        this.faults = faults;
    }

    void view(RoutingContext ctx) {
        MultiMap query = ctx.queryParams();
        String filename = query.get("filename");
        if (filename == null) {
            Responses.empty(ctx, 404);
            return;
        }
        DataDirectories.Annotated annotated = dirs.annotated(filename);
        filename = annotated.name();
        if (filename.isEmpty() || filename.charAt(0) == '/' || filename.contains("..")) {
            Responses.empty(ctx, 400);
            return;
        }
        Path base = annotated.base();
        if (base == null) {
            String type = query.get("type");
            base = dirs.byType(type == null ? "output" : type);
        }
        if (base == null) {
            Responses.empty(ctx, 400);
            return;
        }
        String subfolder = query.get("subfolder");
        if (subfolder != null) {
            Path folder = base.resolve(subfolder).toAbsolutePath().normalize();
            if (!folder.startsWith(base)) {
                Responses.empty(ctx, 403);
                return;
            }
            base = folder;
        }
        int slash = filename.lastIndexOf('/');
        String name = slash < 0 ? filename : filename.substring(slash + 1);
        Path file = name.isEmpty() ? base : base.resolve(name);
        if (!Files.isRegularFile(file)) {
            Responses.empty(ctx, 404);
            return;
        }
        String preview = query.get("preview");
        String channel = query.get("channel") == null ? "rgba" : query.get("channel");
        String disposition = "filename=\"" + name + "\"";
        String rawChannel = query.get("channel") == null ? "" : query.get("channel");
        if (preview != null && preview.split(";")[0].equals("jpeg") && !rawChannel.contains("a")) {
            String[] parts = preview.split(";");
            int quality = parseQuality(parts[parts.length - 1]);
            transcode(ctx, file, disposition, "image/jpeg", image -> jpeg(PngCodec.toRgb(image), quality));
            return;
        }
        if (channel.equals("rgb")) {
            transcode(ctx, file, disposition, "image/png", image -> PngCodec.encode(PngCodec.toRgb(image), Map.of()));
            return;
        }
        if (channel.equals("a")) {
            transcode(ctx, file, disposition, "image/png", image -> PngCodec.encode(alpha(image), Map.of()));
            return;
        }
        String type = MimeTypes.guess(name);
        ctx.response().putHeader("Content-Type", type == null ? "application/octet-stream" : type)
                .putHeader("Content-Disposition", disposition)
                .putHeader("Accept-Ranges", "bytes");
        sendRange(ctx, file);
    }

    /**
     * The file, or the part a {@code Range: bytes=N-[M]} header asks for (206 with {@code Content-Range}), as
     * aiohttp's FileResponse answers; an unsatisfiable range is 416 with {@code Content-Range: bytes * /size}. Other
     * range forms (several ranges, suffix ranges) are sent whole, as a server that ignores Range would.
     */
    private void sendRange(RoutingContext ctx, Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (java.io.IOException e) {
            Responses.serverError(ctx);
            return;
        }
        long offset = 0;
        long length = size;
        String range = ctx.request().getHeader("Range");
        java.util.regex.Matcher m = range == null ? null
                : java.util.regex.Pattern.compile("bytes=(\\d{1,18})-(\\d{0,18})").matcher(range.trim());
        if (m != null && m.matches()) {
            long start = Long.parseLong(m.group(1));
            long end = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
            if (start >= size || end < start) {
                ctx.response().setStatusCode(416).putHeader("Content-Range", "bytes */" + size).end();
                return;
            }
            offset = start;
            length = end - start + 1;
            ctx.response().setStatusCode(206)
                    .putHeader("Content-Range", "bytes " + start + "-" + end + "/" + size);
        }
        if (ctx.request().method() == io.vertx.core.http.HttpMethod.HEAD) {
            // the headers a GET would get, without the body (aiohttp answers HEAD so)
            ctx.response().putHeader("Content-Length", Long.toString(length)).end();
            return;
        }
        long drop = faults.takeViewDrop();
        if (drop >= 0 && drop < length) {
            sendCut(ctx, file, offset, length, drop);
            return;
        }
        ctx.response().sendFile(file.toString(), offset, length);
    }

    /** Announces {@code length} bytes, sends {@code cut} of them and closes the connection: a dropped download. */
    private static void sendCut(RoutingContext ctx, Path file, long offset, long length, long cut) {
        ctx.response().putHeader("Content-Length", Long.toString(length));
        ctx.vertx().<Buffer>executeBlocking(() -> {
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file)) {
                java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate((int) cut);
                while (bytes.hasRemaining() && channel.read(bytes, offset + bytes.position()) >= 0) {
                    // reads the part before the cut
                }
                return Buffer.buffer(bytes.array());
            }
        }, false).onComplete(ar -> {
            if (ar.failed()) {
                ctx.request().connection().close();
                return;
            }
            ctx.response().write(ar.result()).onComplete(written -> ctx.request().connection().close());
        });
    }

    private interface Encoder {
        byte[] encode(BufferedImage image) throws Exception;
    }

    private static void transcode(RoutingContext ctx, Path file, String disposition, String type, Encoder encoder) {
        ctx.vertx().<byte[]>executeBlocking(() -> {
            BufferedImage image = PngCodec.read(file);
            if (image == null) {
                throw new IllegalStateException("not an image");
            }
            return encoder.encode(image);
        }, false).onComplete(ar -> {
            if (ar.failed()) {
                Responses.serverError(ctx);
                return;
            }
            ctx.response().putHeader("Content-Type", type).putHeader("Content-Disposition", disposition)
                    .end(Buffer.buffer(ar.result()));
        });
    }

    private static int parseQuality(String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            return 90;
        }
    }

    private static byte[] jpeg(BufferedImage image, int quality) throws Exception {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(Math.max(0f, Math.min(1f, quality / 100f)));
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** PIL's alpha view: black pixels carrying the image's alpha (opaque if it has none). */
    private static BufferedImage alpha(BufferedImage image) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_ARGB);
        boolean hasAlpha = image.getColorModel().hasAlpha();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int a = hasAlpha ? image.getRGB(x, y) >>> 24 : 255;
                out.setRGB(x, y, a << 24);
            }
        }
        return out;
    }

    void upload(RoutingContext ctx) {
        upload(ctx, false);
    }

    /** {@code POST /upload/mask}: an upload whose alpha is put onto {@code original_ref}'s image. */
    void uploadMask(RoutingContext ctx) {
        upload(ctx, true);
    }

    private void upload(RoutingContext ctx, boolean mask) {
        MultiMap form = ctx.request().formAttributes();
        String type = form.get("type");
        if (type != null && dirs.byType(type) == null) {
            Responses.serverError(ctx);
            return;
        }
        FileUpload image = null;
        for (FileUpload f : ctx.fileUploads()) {
            if (f.name().equals("image")) {
                image = f;
                break;
            }
        }
        if (image == null) {
            Responses.empty(ctx, 400);
            return;
        }
        if (image.fileName() == null || image.fileName().isEmpty()) {
            Responses.serverError(ctx);
            return;
        }
        FileUpload upload = image;
        ctx.vertx().<Object>executeBlocking(() -> {
            try {
                Uploads.Writer writer = mask ? new MaskUpload(dirs, form.get("original_ref")) : Uploads.Writer.COPY;
                return uploads.store(Path.of(upload.uploadedFileName()), upload.fileName(), type, form.get("subfolder"),
                        form.get("overwrite"), writer);
            } catch (Uploads.Rejected rejected) {
                return rejected;
            }
        }, false).onComplete(ar -> {
            if (ar.failed()) {
                Responses.serverError(ctx);
            } else if (ar.result() instanceof Uploads.Stored stored) {
                ObjectNode body = Json.object();
                body.put("name", stored.name());
                body.put("subfolder", stored.subfolder());
                body.put("type", stored.type());
                Responses.json(ctx, 200, body);
            } else {
                Responses.empty(ctx, 400);
            }
        });
    }
}
