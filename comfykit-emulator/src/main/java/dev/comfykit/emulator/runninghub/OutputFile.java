package dev.comfykit.emulator.runninghub;

import java.nio.file.Path;

/**
 * One output of a finished task as the CDN serves it under {@code /rh-cdn/{taskId}/{name}}: a file ComfyUI wrote
 * ({@code path}), or a text output turned into a {@code .txt} file ({@code text}).
 */
public record OutputFile(String nodeId, String name, String fileType, Path path, byte[] text) {
}
