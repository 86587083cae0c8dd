package dev.comfykit.emulator.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.emulator.files.DataDirectories;
import dev.comfykit.emulator.files.FileHashes;
import dev.comfykit.emulator.files.SaveNaming;
import dev.comfykit.emulator.json.Json;
import dev.comfykit.emulator.media.PngCodec;
import dev.comfykit.emulator.nodes.Values.Images;
import dev.comfykit.emulator.nodes.Values.Mask;
import java.awt.Graphics2D;
import java.awt.Image;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** Image nodes that really run: EmptyImage, LoadImage, ImageInvert, ImageScale(By), ImageBlur, SaveImage, PreviewImage. */
final class ImageNodes {

    private static final String PREVIEW_ALPHABET = "abcdefghijklmnopqrstupvxyz";

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private ImageNodes() {
    }

    static void bind(Map<String, NodeLibrary.Binding> b, DataDirectories dirs) {
        b.put("EmptyImage", NodeLibrary.Binding.of(ImageNodes::emptyImage));
        b.put("LoadImage", new NodeLibrary.Binding(ImageNodes::loadImage, loadImageValidation(dirs), inputs -> fileHash(dirs, inputs)));
        b.put("ImageInvert", NodeLibrary.Binding.of((in, ctx) -> NodeResult.of(map(in.as("image", Images.class), ImageNodes::invert))));
        b.put("ImageScale", NodeLibrary.Binding.of(ImageNodes::imageScale));
        b.put("ImageScaleBy", NodeLibrary.Binding.of(ImageNodes::imageScaleBy));
        b.put("ImageBlur", NodeLibrary.Binding.of(ImageNodes::imageBlur));
        b.put("SaveImage", NodeLibrary.Binding.of((in, ctx) -> NodeResult.ui(save(in.as("images", Images.class),
                in.string("filename_prefix"), ctx.files().output(), "output", ctx))));
        b.put("SaveImageWebsocket", NodeLibrary.Binding.of(ImageNodes::saveImageWebsocket));
        b.put("GetImageSize", NodeLibrary.Binding.of(ImageNodes::getImageSize));
        b.put("PreviewImage", NodeLibrary.Binding.of((in, ctx) -> NodeResult.ui(save(in.as("images", Images.class),
                "ComfyUI_temp_" + randomSuffix(), ctx.files().temp(), "temp", ctx))));
    }

    private static NodeResult emptyImage(NodeInputs in, NodeContext ctx) {
        int w = (int) in.integer("width");
        int h = (int) in.integer("height");
        int batch = (int) in.integer("batch_size");
        int color = (int) (in.integer("color") & 0xFFFFFF);
        List<BufferedImage> frames = new ArrayList<>(batch);
        int[] row = new int[w];
        java.util.Arrays.fill(row, color);
        for (int i = 0; i < batch; i++) {
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < h; y++) {
                img.setRGB(0, y, w, 1, row, 0, w);
            }
            frames.add(img);
        }
        return NodeResult.of(new Images(frames));
    }

    /** The bundled custom node: every image goes out as a binary preview frame, nothing is saved. */
    private static NodeResult saveImageWebsocket(NodeInputs in, NodeContext ctx) {
        Images images = in.as("images", Images.class);
        int n = images.frames().size();
        for (int step = 0; step < n; step++) {
            ctx.progress(step, n, images.frames().get(step));
        }
        return new NodeResult(new Object[0], null);
    }

    /** Width, height and batch size; also shown as a binary TEXT frame, as ComfyUI does. */
    private static NodeResult getImageSize(NodeInputs in, NodeContext ctx) {
        Images images = in.as("image", Images.class);
        ctx.progressText("width: " + images.width() + ", height: " + images.height() + "\n batch size: " + images.frames().size());
        return NodeResult.of((long) images.width(), (long) images.height(), (long) images.frames().size());
    }

    private static NodeDefinition.CustomValidation loadImageValidation(DataDirectories dirs) {
        return new NodeDefinition.CustomValidation() {
            @Override
            public String validate(String inputName, JsonNode value) {
                String name = value.isTextual() ? value.textValue() : value.toString();
                return dirs.existsAnnotated(name) ? null : "Invalid image file: " + name;
            }

            @Override
            public List<String> inputs() {
                return List.of("image");
            }
        };
    }

    /** LoadImage's IS_CHANGED: the file's SHA-256, so a re-uploaded file is not served from the cache. */
    private static String fileHash(DataDirectories dirs, ObjectNode inputs) {
        JsonNode image = inputs.get("image");
        Path file = image == null ? null : dirs.resolveAnnotated(image.asText());
        if (file == null || !Files.isRegularFile(file)) {
            return "missing";
        }
        try {
            return FileHashes.sha256(file);
        } catch (IOException | NoSuchAlgorithmException e) {
            return "unreadable";
        }
    }

    private static NodeResult loadImage(NodeInputs in, NodeContext ctx) throws Exception {
        String value = in.string("image");
        Path file = ctx.files().resolveAnnotated(value);
        if (file == null || !Files.isRegularFile(file)) {
            throw new NodeFailure("FileNotFoundError", "[Errno 2] No such file or directory: '" + file + "'");
        }
        BufferedImage raw = PngCodec.read(file);
        if (raw == null) {
            throw new NodeFailure("PIL.UnidentifiedImageError", "cannot identify image file '" + file + "'");
        }
        BufferedImage rgb = PngCodec.toRgb(raw);
        Mask mask;
        if (raw.getColorModel().hasAlpha()) {
            float[] values = new float[raw.getWidth() * raw.getHeight()];
            for (int y = 0; y < raw.getHeight(); y++) {
                for (int x = 0; x < raw.getWidth(); x++) {
                    values[y * raw.getWidth() + x] = 1f - ((raw.getRGB(x, y) >>> 24) / 255f);
                }
            }
            mask = new Mask(raw.getWidth(), raw.getHeight(), values);
        } else {
            mask = new Mask(64, 64, new float[64 * 64]);
        }
        return NodeResult.of(new Images(List.of(rgb)), mask);
    }

    private static BufferedImage invert(BufferedImage src) {
        int w = src.getWidth();
        int h = src.getHeight();
        int[] pixels = src.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (~pixels[i]) & 0xFFFFFF;
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, w, h, pixels, 0, w);
        return out;
    }

    private static NodeResult imageScale(NodeInputs in, NodeContext ctx) {
        Images images = in.as("image", Images.class);
        int w = (int) in.integer("width");
        int h = (int) in.integer("height");
        if (w == 0 && h == 0) {
            return NodeResult.of(images);
        }
        int srcW = images.width();
        int srcH = images.height();
        if (w == 0) {
            w = Math.max(1, (int) Math.round(srcW * (double) h / srcH));
        } else if (h == 0) {
            h = Math.max(1, (int) Math.round(srcH * (double) w / srcW));
        }
        int width = w;
        int height = h;
        boolean center = "center".equals(in.string("crop"));
        String method = in.string("upscale_method");
        return NodeResult.of(map(images, img -> scale(center ? cropCenter(img, width, height) : img, width, height, method)));
    }

    private static NodeResult imageScaleBy(NodeInputs in, NodeContext ctx) {
        Images images = in.as("image", Images.class);
        double by = in.number("scale_by");
        int w = Math.max(1, (int) Math.rint(images.width() * by));
        int h = Math.max(1, (int) Math.rint(images.height() * by));
        String method = in.string("upscale_method");
        return NodeResult.of(map(images, img -> scale(img, w, h, method)));
    }

    private static BufferedImage cropCenter(BufferedImage img, int w, int h) {
        double oldAspect = (double) img.getWidth() / img.getHeight();
        double newAspect = (double) w / h;
        int x = 0;
        int y = 0;
        int cw = img.getWidth();
        int ch = img.getHeight();
        if (oldAspect > newAspect) {
            x = (int) Math.round((img.getWidth() - img.getWidth() * (newAspect / oldAspect)) / 2);
            cw = img.getWidth() - 2 * x;
        } else if (oldAspect < newAspect) {
            y = (int) Math.round((img.getHeight() - img.getHeight() * (oldAspect / newAspect)) / 2);
            ch = img.getHeight() - 2 * y;
        }
        return img.getSubimage(x, y, Math.max(1, cw), Math.max(1, ch));
    }

    static BufferedImage scale(BufferedImage src, int w, int h, String method) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            if ("area".equals(method)) {
                g.drawImage(src.getScaledInstance(w, h, Image.SCALE_AREA_AVERAGING), 0, 0, null);
            } else {
                Object hint = switch (method == null ? "" : method) {
                    case "bilinear" -> RenderingHints.VALUE_INTERPOLATION_BILINEAR;
                    case "bicubic", "lanczos" -> RenderingHints.VALUE_INTERPOLATION_BICUBIC;
                    default -> RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR;
                };
                g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, hint);
                g.drawImage(src, 0, 0, w, h, null);
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    private static NodeResult imageBlur(NodeInputs in, NodeContext ctx) {
        int radius = (int) in.integer("blur_radius");
        double sigma = in.number("sigma");
        double[] kernel = new double[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            kernel[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
            sum += kernel[i + radius];
        }
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] /= sum;
        }
        return NodeResult.of(map(in.as("image", Images.class), img -> blur(img, kernel, radius)));
    }

    private static BufferedImage blur(BufferedImage src, double[] kernel, int radius) {
        int w = src.getWidth();
        int h = src.getHeight();
        int[] px = src.getRGB(0, 0, w, h, null, 0, w);
        int[] tmp = new int[px.length];
        convolve(px, tmp, w, h, kernel, radius, true);
        convolve(tmp, px, w, h, kernel, radius, false);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, w, h, px, 0, w);
        return out;
    }

    private static void convolve(int[] in, int[] out, int w, int h, double[] k, int r, boolean horizontal) {
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double rs = 0;
                double gs = 0;
                double bs = 0;
                for (int i = -r; i <= r; i++) {
                    int sx = horizontal ? reflect(x + i, w) : x;
                    int sy = horizontal ? y : reflect(y + i, h);
                    int p = in[sy * w + sx];
                    double f = k[i + r];
                    rs += ((p >> 16) & 0xFF) * f;
                    gs += ((p >> 8) & 0xFF) * f;
                    bs += (p & 0xFF) * f;
                }
                out[y * w + x] = (clamp(rs) << 16) | (clamp(gs) << 8) | clamp(bs);
            }
        }
    }

    private static int reflect(int i, int n) {
        if (n == 1) {
            return 0;
        }
        while (i < 0 || i >= n) {
            i = i < 0 ? -i : 2 * (n - 1) - i;
        }
        return i;
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    private interface FrameOp {
        BufferedImage apply(BufferedImage frame);
    }

    private static Images map(Images images, FrameOp op) {
        List<BufferedImage> out = new ArrayList<>(images.frames().size());
        for (BufferedImage frame : images.frames()) {
            out.add(op.apply(frame));
        }
        return new Images(out);
    }

    private static String randomSuffix() {
        StringBuilder sb = new StringBuilder(5);
        for (int i = 0; i < 5; i++) {
            sb.append(PREVIEW_ALPHABET.charAt(ThreadLocalRandom.current().nextInt(PREVIEW_ALPHABET.length())));
        }
        return sb.toString();
    }

    /** SaveImage's and PreviewImage's common work: numbered PNGs with the workflow embedded as tEXt chunks. */
    static ObjectNode save(Images images, String prefix, Path base, String type, NodeContext ctx) throws Exception {
        SaveNaming.Target target;
        try {
            target = ctx.naming().reserve(base, prefix, images.width(), images.height(), images.frames().size());
        } catch (SaveNaming.OutsideOutputFolder e) {
            throw new NodeFailure("Exception", e.getMessage());
        }
        Map<String, String> text = pngText(ctx);
        ArrayNode results = Json.array();
        for (int i = 0; i < images.frames().size(); i++) {
            String file = SaveNaming.Target.comfyName(target.filename().replace("%batch_num%", Integer.toString(i)),
                    target.counter() + i, "png");
            PngCodec.write(images.frames().get(i), text, target.folder().resolve(file));
            results.add(fileEntry(file, target.subfolder(), type));
        }
        ObjectNode ui = Json.object();
        ui.set("images", results);
        return ui;
    }

    static Map<String, String> pngText(NodeContext ctx) {
        Map<String, String> text = new LinkedHashMap<>();
        if (ctx.prompt() != null) {
            text.put("prompt", Json.text(ctx.prompt()));
        }
        JsonNode info = ctx.extraData() == null ? null : ctx.extraData().get("extra_pnginfo");
        if (info != null && info.isObject()) {
            info.fields().forEachRemaining(f -> text.put(f.getKey(), Json.text(f.getValue())));
        }
        return text;
    }

    static ObjectNode fileEntry(String filename, String subfolder, String type) {
        ObjectNode entry = Json.object();
        entry.put("filename", filename);
        entry.put("subfolder", subfolder);
        entry.put("type", type);
        return entry;
    }
}
