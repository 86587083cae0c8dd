package dev.comfykit.emulator.support;

/** API-format workflows used by several tests, most of them exactly as captured from the real server. */
public final class Workflows {

    private Workflows() {
    }

    public static String emptyToSave(int color, String prefix) {
        return """
                {"1": {"class_type": "EmptyImage", "inputs": {"width": 64, "height": 48, "batch_size": 1, "color": %d}},
                 "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "%s"}}}
                """.formatted(color, prefix);
    }

    public static final String TEXT = """
            {"20": {"class_type": "PrimitiveString", "inputs": {"value": "Hello"}},
             "21": {"class_type": "StringConcatenate", "inputs": {"string_a": ["20", 0], "string_b": "World", "delimiter": ", "}},
             "22": {"class_type": "PreviewAny", "inputs": {"source": ["21", 0]}},
             "23": {"class_type": "PrimitiveInt", "inputs": {"value": 42}},
             "24": {"class_type": "PreviewAny", "inputs": {"source": ["23", 0]}}}
            """;

    /** A text-to-image graph with the given step count; the simulated sampler takes stepTime per step. */
    public static String t2i(String text, long seed, int steps, int width, int height) {
        return """
                {"4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "v1-5-pruned-emaonly.safetensors"}},
                 "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "%s", "clip": ["4", 1]}},
                 "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["4", 1]}},
                 "5": {"class_type": "EmptyLatentImage", "inputs": {"width": %d, "height": %d, "batch_size": 1}},
                 "3": {"class_type": "KSampler", "inputs": {"seed": %d, "steps": %d, "cfg": 7.5, "sampler_name": "euler",
                       "scheduler": "normal", "denoise": 1.0, "model": ["4", 0], "positive": ["6", 0], "negative": ["7", 0],
                       "latent_image": ["5", 0]}},
                 "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
                 "9": {"class_type": "SaveImage", "inputs": {"images": ["8", 0], "filename_prefix": "t2i"}}}
                """.formatted(text, width, height, seed, steps);
    }
}
