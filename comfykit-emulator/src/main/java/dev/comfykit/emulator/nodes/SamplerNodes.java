package dev.comfykit.emulator.nodes;

import dev.comfykit.emulator.json.Py;
import dev.comfykit.emulator.media.SamplerPainter;
import dev.comfykit.emulator.nodes.Values.Conditioning;
import dev.comfykit.emulator.nodes.Values.Images;
import dev.comfykit.emulator.nodes.Values.Latent;
import dev.comfykit.emulator.nodes.Values.ModelHandle;
import dev.comfykit.emulator.nodes.Values.Sampling;
import java.awt.image.BufferedImage;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A simulated Stable Diffusion text-to-image graph with the real class names and inputs. Nothing is diffused:
 * KSampler reports a {@code progress} event per step and VAEDecode paints the parameters onto a picture.
 */
final class SamplerNodes {

    private SamplerNodes() {
    }

    static void bind(Map<String, NodeLibrary.Binding> b) {
        b.put("CheckpointLoaderSimple", NodeLibrary.Binding.of((in, ctx) -> {
            String name = in.string("ckpt_name");
            return NodeResult.of(new ModelHandle("MODEL", name), new ModelHandle("CLIP", name), new ModelHandle("VAE", name));
        }));
        // LoRAs and VAEs change nothing in a simulated picture: the loaders pass their model on
        b.put("LoraLoader", NodeLibrary.Binding.of((in, ctx) -> NodeResult.of(in.as("model", ModelHandle.class),
                in.as("clip", ModelHandle.class))));
        b.put("VAELoader", NodeLibrary.Binding.of((in, ctx) -> NodeResult.of(new ModelHandle("VAE", in.string("vae_name")))));
        b.put("CLIPTextEncode", NodeLibrary.Binding.of((in, ctx) -> NodeResult.of(new Conditioning(in.string("text")))));
        b.put("EmptyLatentImage", NodeLibrary.Binding.of((in, ctx) -> NodeResult.of(new Latent(
                (int) in.integer("width"), (int) in.integer("height"), (int) in.integer("batch_size"), null))));
        b.put("KSampler", NodeLibrary.Binding.of(SamplerNodes::sample));
        b.put("VAEDecode", NodeLibrary.Binding.of(SamplerNodes::decode));
    }

    private static NodeResult sample(NodeInputs in, NodeContext ctx) {
        Latent latent = in.as("latent_image", Latent.class);
        int steps = (int) in.integer("steps");
        BigInteger seed = in.bigInteger("seed");
        int previewEvery = ctx.previewEvery();
        for (int step = 1; step <= steps; step++) {
            ctx.sleep(ctx.stepTime());
            if (previewEvery > 0 && step % previewEvery == 0) {
                ctx.progress(step, steps, SamplerPainter.preview(latent.width(), latent.height(), seed.longValue(),
                        step, steps));
            } else {
                ctx.progress(step, steps);
            }
        }
        ModelHandle model = in.as("model", ModelHandle.class);
        Sampling sampling = new Sampling(in.as("positive", Conditioning.class).text(), in.as("negative", Conditioning.class).text(),
                seed.longValue(), seed.toString(), steps, in.number("cfg"), in.string("sampler_name"), in.string("scheduler"),
                in.number("denoise"), model.checkpoint());
        return NodeResult.of(new Latent(latent.width(), latent.height(), latent.batch(), sampling));
    }

    private static NodeResult decode(NodeInputs in, NodeContext ctx) {
        Latent latent = in.as("samples", Latent.class);
        Sampling s = latent.sampling();
        List<BufferedImage> frames = new ArrayList<>(latent.batch());
        for (int i = 0; i < latent.batch(); i++) {
            List<String> lines = new ArrayList<>();
            String prompt;
            long seed;
            if (s == null) {
                prompt = "(empty latent, not sampled)";
                seed = 0;
            } else {
                prompt = s.positive();
                seed = s.seed() + i;
                lines.add("seed " + s.seedText() + (latent.batch() > 1 ? " #" + (i + 1) + "/" + latent.batch() : ""));
                lines.add("steps " + s.steps() + " cfg " + Py.floatRepr(s.cfg()) + " " + s.sampler() + "/" + s.scheduler());
            }
            lines.add(latent.width() + "x" + latent.height());
            frames.add(SamplerPainter.paint(new SamplerPainter.Scene(latent.width(), latent.height(), seed, prompt, lines)));
        }
        return NodeResult.of(new Images(frames));
    }
}
