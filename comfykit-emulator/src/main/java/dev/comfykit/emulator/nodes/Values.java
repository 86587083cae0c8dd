package dev.comfykit.emulator.nodes;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The values that flow along links. ComfyUI passes tensors and model objects; the emulator passes just enough
 * to produce real, deterministic files.
 */
public final class Values {

    private Values() {
    }

    /** IMAGE: a batch of RGB images of one size. */
    public record Images(List<BufferedImage> frames) {
        public int width() {
            return frames.get(0).getWidth();
        }

        public int height() {
            return frames.get(0).getHeight();
        }

        @Override
        public String toString() {
            return "tensor(shape=[" + frames.size() + ", " + height() + ", " + width() + ", 3])";
        }
    }

    /** MASK: one mask per image, values 0..1. */
    public record Mask(int width, int height, float[] values) {
        @Override
        public String toString() {
            return "tensor(shape=[1, " + height + ", " + width + "])";
        }
    }

    /** MODEL, CLIP or VAE: the checkpoint they came from. */
    public record ModelHandle(String kind, String checkpoint) {
        @Override
        public String toString() {
            return "<" + kind + " " + checkpoint + ">";
        }
    }

    /** CONDITIONING: the encoded prompt text. */
    public record Conditioning(String text) {
        @Override
        public String toString() {
            return "[[tensor(...), {'pooled_output': tensor(...)}]]";
        }
    }

    /** LATENT: size and batch; after sampling also the sampler's parameters. */
    public record Latent(int width, int height, int batch, Sampling sampling) {
        @Override
        public String toString() {
            return "{'samples': tensor(shape=[" + batch + ", 4, " + height / 8 + ", " + width / 8 + "])}";
        }
    }

    /** What the simulated sampler did, so that the decoded picture can show it. */
    public record Sampling(String positive, String negative, long seed, String seedText, int steps, double cfg,
                           String sampler, String scheduler, double denoise, String checkpoint) {
    }

    /** AUDIO: mono samples in -1..1. */
    public record Audio(float[] samples, int sampleRate) {
        @Override
        public String toString() {
            return "{'waveform': tensor(shape=[1, 1, " + samples.length + "]), 'sample_rate': " + sampleRate + "}";
        }
    }
}
