package dev.comfykit.emulator.media;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

/** PNG files through javax.imageio, with ComfyUI's tEXt chunks ({@code prompt}, {@code workflow}, ...). */
public final class PngCodec {

    private static final String FORMAT = "javax_imageio_png_1.0";

    static {
        System.setProperty("java.awt.headless", "true");
        ImageIO.setUseCache(false);
    }

    private PngCodec() {
    }

    // Looking a writer up in the ImageIO registry costs more than encoding a small PNG; each thread keeps one.
    private static final ThreadLocal<ImageWriter> WRITERS =
            ThreadLocal.withInitial(() -> ImageIO.getImageWritersByFormatName("png").next());

    /** Encodes an image; each entry of {@code text} becomes a tEXt chunk, as ComfyUI's SaveImage writes them. */
    public static byte[] encode(BufferedImage image, Map<String, String> text) throws IOException {
        ImageWriter writer = WRITERS.get();
        try {
            ImageWriteParam param = writer.getDefaultWriteParam();
            IIOMetadata metadata = null;
            if (text != null && !text.isEmpty()) {
                metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), param);
                IIOMetadataNode tEXt = new IIOMetadataNode("tEXt");
                for (Map.Entry<String, String> e : text.entrySet()) {
                    IIOMetadataNode entry = new IIOMetadataNode("tEXtEntry");
                    entry.setAttribute("keyword", e.getKey());
                    entry.setAttribute("value", e.getValue());
                    tEXt.appendChild(entry);
                }
                IIOMetadataNode root = new IIOMetadataNode(FORMAT);
                root.appendChild(tEXt);
                metadata.mergeTree(FORMAT, root);
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + image.getWidth() * image.getHeight());
            try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
                writer.setOutput(out);
                writer.write(null, new IIOImage(image, null, metadata), param);
            }
            return bytes.toByteArray();
        } catch (IOException | RuntimeException e) {
            WRITERS.remove();
            throw e;
        } finally {
            writer.reset();
        }
    }

    public static void write(BufferedImage image, Map<String, String> text, Path file) throws IOException {
        Files.write(file, encode(image, text));
    }

    /** Decodes any image format javax.imageio reads; null if the bytes are not an image. */
    public static BufferedImage read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file); ImageInputStream stream = ImageIO.createImageInputStream(in)) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(stream);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(stream);
                return reader.read(0);
            } catch (IOException | RuntimeException e) {
                return null;
            } finally {
                reader.dispose();
            }
        }
    }

    /** Copies an image into an RGB (no alpha) image, the IMAGE type of ComfyUI. */
    public static BufferedImage toRgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                rgb.setRGB(x, y, image.getRGB(x, y) & 0xFFFFFF);
            }
        }
        return rgb;
    }
}
