package dev.comfykit.emulator.media;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** 16-bit PCM mono WAV files. */
public final class WavWriter {

    private WavWriter() {
    }

    public static byte[] encode(float[] samples, int sampleRate) {
        int dataBytes = samples.length * 2;
        ByteBuffer b = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {'R', 'I', 'F', 'F'}).putInt(36 + dataBytes).put(new byte[] {'W', 'A', 'V', 'E'});
        b.put(new byte[] {'f', 'm', 't', ' '}).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(sampleRate).putInt(sampleRate * 2).putShort((short) 2).putShort((short) 16);
        b.put(new byte[] {'d', 'a', 't', 'a'}).putInt(dataBytes);
        for (float s : samples) {
            float clamped = Math.max(-1f, Math.min(1f, s));
            b.putShort((short) Math.round(clamped * 32767));
        }
        return b.array();
    }
}
