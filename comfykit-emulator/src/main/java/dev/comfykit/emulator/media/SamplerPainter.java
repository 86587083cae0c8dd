package dev.comfykit.emulator.media;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The simulated sampler's picture: a background derived only from the seed, with the prompt text, the seed and
 * the sampler settings written on it, so a demo visibly shows its parameters flowing through. Pure integer
 * arithmetic and a bitmap font make it identical on every machine.
 */
public final class SamplerPainter {

    private SamplerPainter() {
    }

    /** What to paint. {@code lines} are drawn under the prompt, for example "seed 42". */
    public record Scene(int width, int height, long seed, String prompt, List<String> lines) {
    }

    public static BufferedImage paint(Scene scene) {
        int w = scene.width();
        int h = scene.height();
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        paintBackground(image, scene.seed());
        paintText(image, scene);
        return image;
    }

    /**
     * A sampler's preview at a step: the final picture's background at an eighth of its size (the size of
     * ComfyUI's latent previews), mixed with noise that fades as the steps go on, so the picture visibly emerges.
     */
    public static BufferedImage preview(int width, int height, long seed, int step, int steps) {
        Background background = Background.of(seed, width, height);
        int w = Math.max(1, width / 8);
        int h = Math.max(1, height / 8);
        BufferedImage small = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        SplittableRandom noise = new SplittableRandom(seed * 31 + step);
        int clean = Math.max(0, Math.min(steps, step)) * 255 / Math.max(1, steps);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                // only the sampled pixels of the full picture are computed: a preview per step stays cheap
                int rgb = background.at(Math.min(width - 1, x * 8), Math.min(height - 1, y * 8));
                int n = noise.nextInt(256);
                int r = (((rgb >> 16) & 0xFF) * clean + n * (255 - clean)) / 255;
                int g = (((rgb >> 8) & 0xFF) * clean + n * (255 - clean)) / 255;
                int b = ((rgb & 0xFF) * clean + n * (255 - clean)) / 255;
                small.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return small;
    }

    private static void paintBackground(BufferedImage image, long seed) {
        int w = image.getWidth();
        int h = image.getHeight();
        Background background = Background.of(seed, w, h);
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                row[x] = background.at(x, y);
            }
            image.setRGB(0, y, w, 1, row, 0, w);
        }
    }

    /** The seed's background: a diagonal gradient from colour a to b with a few blended circles. */
    private record Background(int[] a, int[] b, int[][] circles, int span) {

        static Background of(long seed, int w, int h) {
            SplittableRandom random = new SplittableRandom(seed);
            int[] a = {random.nextInt(256), random.nextInt(256), random.nextInt(256)};
            int[] b = {random.nextInt(256), random.nextInt(256), random.nextInt(256)};
            int blobs = 3 + random.nextInt(4);
            int[][] circles = new int[blobs][];
            for (int i = 0; i < blobs; i++) {
                circles[i] = new int[] {random.nextInt(w), random.nextInt(h),
                        1 + random.nextInt(Math.max(1, Math.min(w, h) / 3)), random.nextInt(0x1000000)};
            }
            return new Background(a, b, circles, Math.max(1, w + h - 2));
        }

        int at(int x, int y) {
            int t = ((x + y) * 255) / span;
            int r = (a[0] * (255 - t) + b[0] * t) / 255;
            int g = (a[1] * (255 - t) + b[1] * t) / 255;
            int bl = (a[2] * (255 - t) + b[2] * t) / 255;
            for (int[] c : circles) {
                long dx = x - c[0];
                long dy = y - c[1];
                if (dx * dx + dy * dy <= (long) c[2] * c[2]) {
                    r = (r + ((c[3] >> 16) & 0xFF)) / 2;
                    g = (g + ((c[3] >> 8) & 0xFF)) / 2;
                    bl = (bl + (c[3] & 0xFF)) / 2;
                }
            }
            return (r << 16) | (g << 8) | bl;
        }
    }

    private static void paintText(BufferedImage image, Scene scene) {
        int w = image.getWidth();
        int h = image.getHeight();
        int scale = Math.max(1, Math.min(w, h) / 256);
        int margin = Math.max(1, 4 * scale);
        int columns = Math.max(1, (w - 2 * margin) / (BitmapFont.CELL_WIDTH * scale));
        int lineHeight = BitmapFont.CELL_HEIGHT * scale;
        int maxLines = Math.max(1, (h - 2 * margin) / lineHeight);
        List<String> lines = new ArrayList<>(wrap(ascii(scene.prompt()), columns));
        List<String> footer = new ArrayList<>();
        for (String line : scene.lines()) {
            footer.addAll(wrap(ascii(line), columns));
        }
        int promptLines = Math.max(0, Math.min(lines.size(), maxLines - footer.size()));
        List<String> all = new ArrayList<>(lines.subList(0, promptLines));
        all.addAll(footer);
        if (all.size() > maxLines) {
            all = all.subList(all.size() - maxLines, all.size());
        }
        int boxHeight = all.size() * lineHeight + margin;
        shade(image, 0, 0, w, Math.min(h, boxHeight + margin));
        int y = margin;
        for (String line : all) {
            BitmapFont.draw(image, line, margin, y, scale, 0xFFFFFF);
            y += lineHeight;
        }
    }

    /** Darkens a band so that white text is legible on any background. */
    private static void shade(BufferedImage image, int x0, int y0, int x1, int y1) {
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                int rgb = image.getRGB(x, y);
                int r = ((rgb >> 16) & 0xFF) / 4;
                int g = ((rgb >> 8) & 0xFF) / 4;
                int b = (rgb & 0xFF) / 4;
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
    }

    private static String ascii(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> sb.append(cp == '\n' || cp == '\t' ? ' ' : (cp >= 32 && cp <= 126 ? (char) cp : '?')));
        return sb.toString();
    }

    /** Greedy word wrap; words longer than a line are cut. */
    static List<String> wrap(String text, int columns) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.trim().split(" +")) {
            while (word.length() > columns) {
                if (line.length() > 0) {
                    lines.add(line.toString());
                    line.setLength(0);
                }
                lines.add(word.substring(0, columns));
                word = word.substring(columns);
            }
            if (line.length() > 0 && line.length() + 1 + word.length() > columns) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }
}
