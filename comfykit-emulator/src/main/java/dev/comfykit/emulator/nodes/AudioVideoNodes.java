package dev.comfykit.emulator.nodes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.emulator.files.SaveNaming;
import dev.comfykit.emulator.json.Json;
import dev.comfykit.emulator.media.GifWriter;
import dev.comfykit.emulator.media.PngCodec;
import dev.comfykit.emulator.media.WavWriter;
import dev.comfykit.emulator.nodes.Values.Audio;
import dev.comfykit.emulator.nodes.Values.Images;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Audio and video-like outputs, so that every media list of a client's result can be exercised: SaveAudio
 * (a WAV file under {@code audio}), an emulator-only tone generator, and VideoHelperSuite's VHS_VideoCombine
 * (an animated GIF under the {@code gifs} output key).
 */
final class AudioVideoNodes {

    private AudioVideoNodes() {
    }

    static void bind(Map<String, NodeLibrary.Binding> b) {
        b.put("EmulatorAudioTone", NodeLibrary.Binding.of(AudioVideoNodes::tone));
        b.put("SaveAudio", NodeLibrary.Binding.of(AudioVideoNodes::saveAudio));
        b.put("VHS_VideoCombine", NodeLibrary.Binding.of(AudioVideoNodes::videoCombine));
    }

    private static NodeResult tone(NodeInputs in, NodeContext ctx) {
        double frequency = in.number("frequency");
        int rate = (int) in.integer("sample_rate");
        int n = Math.max(1, (int) Math.round(in.number("seconds") * rate));
        int fade = Math.min(n / 2, rate / 100);
        float[] samples = new float[n];
        for (int i = 0; i < n; i++) {
            double envelope = fade == 0 ? 1 : Math.min(1.0, Math.min(i, n - 1 - i) / (double) fade);
            samples[i] = (float) (0.5 * envelope * Math.sin(2 * Math.PI * frequency * i / rate));
        }
        return NodeResult.of(new Audio(samples, rate));
    }

    private static NodeResult saveAudio(NodeInputs in, NodeContext ctx) throws Exception {
        Audio audio = in.as("audio", Audio.class);
        SaveNaming.Target target;
        try {
            target = ctx.naming().reserve(ctx.files().output(), in.string("filename_prefix"), 0, 0, 1);
        } catch (SaveNaming.OutsideOutputFolder e) {
            throw new NodeFailure("Exception", e.getMessage());
        }
        String file = target.comfyName(0, "wav");
        Files.write(target.folder().resolve(file), WavWriter.encode(audio.samples(), audio.sampleRate()));
        ObjectNode ui = Json.object();
        ui.putArray("audio").add(ImageNodes.fileEntry(file, target.subfolder(), "output"));
        return NodeResult.ui(ui);
    }

    private static NodeResult videoCombine(NodeInputs in, NodeContext ctx) throws Exception {
        Images images = in.as("images", Images.class);
        double frameRate = in.number("frame_rate");
        List<BufferedImage> frames = new ArrayList<>(images.frames());
        if (in.bool("pingpong") && frames.size() > 2) {
            for (int i = frames.size() - 2; i > 0; i--) {
                frames.add(images.frames().get(i));
            }
        }
        boolean saveOutput = in.bool("save_output");
        Path base = saveOutput ? ctx.files().output() : ctx.files().temp();
        String type = saveOutput ? "output" : "temp";
        SaveNaming.Target target;
        try {
            target = ctx.naming().reserveVhs(base, in.string("filename_prefix"));
        } catch (SaveNaming.OutsideOutputFolder e) {
            throw new NodeFailure("Exception", e.getMessage());
        }
        String png = target.vhsName("png");
        String gif = target.vhsName("gif");
        Path pngPath = target.folder().resolve(png);
        Path gifPath = target.folder().resolve(gif);
        PngCodec.write(frames.get(0), ImageNodes.pngText(ctx), pngPath);
        int delay = (int) Math.round(1000.0 / frameRate);
        Files.write(gifPath, GifWriter.encode(frames, delay, (int) in.integer("loop_count")));
        ObjectNode entry = ImageNodes.fileEntry(gif, target.subfolder(), type);
        entry.put("format", in.string("format"));
        entry.put("frame_rate", frameRate);
        entry.put("workflow", png);
        entry.put("fullpath", gifPath.toString());
        ObjectNode ui = Json.object();
        ArrayNode gifs = ui.putArray("gifs");
        gifs.add(entry);
        return new NodeResult(new Object[] {List.of(pngPath.toString(), gifPath.toString())}, ui);
    }
}
