package dev.comfykit.emulator.ws;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.emulator.json.Json;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/** ComfyUI's binary WebSocket frames: a 4-byte big-endian event type, then the payload. */
final class BinaryFrames {

    static final int PREVIEW_IMAGE = 1;
    static final int TEXT = 3;
    static final int PREVIEW_IMAGE_WITH_METADATA = 4;
    private static final int PNG = 2;

    private BinaryFrames() {
    }

    /** Type 1: image format (2 = PNG), then the image. */
    static Buffer preview(byte[] png) {
        return Buffer.buffer(8 + png.length).appendInt(PREVIEW_IMAGE).appendInt(PNG).appendBytes(png);
    }

    /** Type 4: metadata length, metadata JSON, then the image. */
    static Buffer previewWithMetadata(ObjectNode metadata, byte[] png) {
        byte[] json = Json.bytes(metadata);
        return Buffer.buffer(8 + json.length + png.length).appendInt(PREVIEW_IMAGE_WITH_METADATA).appendInt(json.length)
                .appendBytes(json).appendBytes(png);
    }

    /** Type 3: node id length, node id, then the text (all UTF-8). */
    static Buffer text(String nodeId, String text) {
        byte[] id = nodeId.getBytes(StandardCharsets.UTF_8);
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        return Buffer.buffer(8 + id.length + body.length).appendInt(TEXT).appendInt(id.length).appendBytes(id).appendBytes(body);
    }
}
