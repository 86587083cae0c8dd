package dev.comfykit.emulator.media;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/** Animated GIFs through the ImageIO GIF writer, with the NETSCAPE2.0 loop extension. */
public final class GifWriter {

    private static final String FORMAT = "javax_imageio_gif_image_1.0";

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private GifWriter() {
    }

    /**
     * Encodes frames shown {@code delayMillis} each; {@code loopCount} 0 loops forever, as VideoHelperSuite's
     * {@code loop_count} does.
     */
    public static byte[] encode(List<BufferedImage> frames, int delayMillis, int loopCount) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            writer.prepareWriteSequence(null);
            boolean first = true;
            for (BufferedImage frame : frames) {
                IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(frame), param);
                IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(FORMAT);
                IIOMetadataNode control = child(root, "GraphicControlExtension");
                control.setAttribute("disposalMethod", "none");
                control.setAttribute("userInputFlag", "FALSE");
                control.setAttribute("transparentColorFlag", "FALSE");
                control.setAttribute("delayTime", Integer.toString(Math.max(1, delayMillis / 10)));
                control.setAttribute("transparentColorIndex", "0");
                if (first) {
                    IIOMetadataNode apps = child(root, "ApplicationExtensions");
                    IIOMetadataNode netscape = new IIOMetadataNode("ApplicationExtension");
                    netscape.setAttribute("applicationID", "NETSCAPE");
                    netscape.setAttribute("authenticationCode", "2.0");
                    netscape.setUserObject(new byte[] {1, (byte) (loopCount & 0xFF), (byte) ((loopCount >> 8) & 0xFF)});
                    apps.appendChild(netscape);
                    first = false;
                }
                metadata.setFromTree(FORMAT, root);
                writer.writeToSequence(new IIOImage(frame, null, metadata), param);
            }
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static IIOMetadataNode child(IIOMetadataNode root, String name) {
        for (int i = 0; i < root.getLength(); i++) {
            if (root.item(i).getNodeName().equalsIgnoreCase(name)) {
                return (IIOMetadataNode) root.item(i);
            }
        }
        IIOMetadataNode node = new IIOMetadataNode(name);
        root.appendChild(node);
        return node;
    }
}
