package dev.comfykit.emulator.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.emulator.files.DataDirectories;
import dev.comfykit.emulator.files.SaveNaming;
import dev.comfykit.emulator.json.Json;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * Emulator-only {@code EmulatorFileCopy}: writes an uploaded input file {@code repeat} times into one output file,
 * copied channel to channel so that neither side is ever in heap. It stands in for video workflows whose outputs
 * are hundreds of MB to GBs, so that large uploads and downloads can be tested without a GPU. The output is listed
 * under {@code gifs}, where VideoHelperSuite lists its videos.
 */
final class FileCopyNodes {

    private FileCopyNodes() {
    }

    static void bind(Map<String, NodeLibrary.Binding> b, DataDirectories dirs) {
        b.put("EmulatorFileCopy", new NodeLibrary.Binding(FileCopyNodes::copy, fileExists(dirs), null));
    }

    private static NodeDefinition.CustomValidation fileExists(DataDirectories dirs) {
        return new NodeDefinition.CustomValidation() {
            @Override
            public String validate(String inputName, JsonNode value) {
                String name = value.isTextual() ? value.textValue() : value.toString();
                return dirs.existsAnnotated(name) ? null : "Invalid file: " + name;
            }

            @Override
            public List<String> inputs() {
                return List.of("file");
            }
        };
    }

    private static NodeResult copy(NodeInputs in, NodeContext ctx) throws Exception {
        String value = in.string("file");
        Path source = ctx.files().resolveAnnotated(value);
        if (source == null || !java.nio.file.Files.isRegularFile(source)) {
            throw new NodeFailure("FileNotFoundError", "[Errno 2] No such file or directory: '" + value + "'");
        }
        int repeat = (int) in.integer("repeat");
        SaveNaming.Target target;
        try {
            target = ctx.naming().reserve(ctx.files().output(), in.string("filename_prefix"), 0, 0, 1);
        } catch (SaveNaming.OutsideOutputFolder e) {
            throw new NodeFailure("Exception", e.getMessage());
        }
        String sourceName = source.getFileName().toString();
        int dot = sourceName.lastIndexOf('.');
        String file = target.comfyName(0, dot < 0 ? "bin" : sourceName.substring(dot + 1));
        try (FileChannel out = FileChannel.open(target.folder().resolve(file), StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            for (int i = 0; i < repeat; i++) {
                try (FileChannel inChannel = FileChannel.open(source, StandardOpenOption.READ)) {
                    long size = inChannel.size();
                    for (long done = 0; done < size; ) {
                        done += inChannel.transferTo(done, size - done, out);
                    }
                }
            }
        }
        ObjectNode entry = ImageNodes.fileEntry(file, target.subfolder(), "output");
        ObjectNode ui = Json.object();
        ui.putArray("gifs").add(entry);
        return NodeResult.ui(ui);
    }
}
