package dev.comfykit.emulator.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** A sampler's preview: the final picture's background emerging from noise, at an eighth of the size. */
class SamplerPainterPreviewTest {

    @Test
    void thePreviewIsAnEighthOfTheImageAndLosesItsNoiseStepByStep() {
        BufferedImage early = SamplerPainter.preview(512, 320, 42, 1, 20);
        BufferedImage late = SamplerPainter.preview(512, 320, 42, 19, 20);
        BufferedImage done = SamplerPainter.preview(512, 320, 42, 20, 20);

        assertThat(early.getWidth()).isEqualTo(64);
        assertThat(early.getHeight()).isEqualTo(40);
        assertThat(distance(late, done)).isLessThan(distance(early, done));
        assertThat(distance(SamplerPainter.preview(512, 320, 42, 5, 20), SamplerPainter.preview(512, 320, 42, 5, 20)))
                .as("deterministic").isZero();
    }

    private static long distance(BufferedImage a, BufferedImage b) {
        long sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    sum += Math.abs(((p >> shift) & 0xFF) - ((q >> shift) & 0xFF));
                }
            }
        }
        return sum;
    }
}
