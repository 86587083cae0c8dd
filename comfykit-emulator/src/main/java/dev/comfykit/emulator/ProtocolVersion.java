package dev.comfykit.emulator;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which ComfyUI version's protocol an emulator speaks, chosen per instance ({@link ComfyUiEmulator.Builder#protocol},
 * {@code --protocol}), so that clients can be tested against older and newer servers side by side. Everything not
 * listed here is the same in all three (the captured v0.3.65 protocol).
 */
public enum ProtocolVersion {

    /**
     * ComfyUI v0.3.44 to v0.3.55: client-chosen {@code prompt_id} already, but {@code POST /interrupt} ignores the
     * body and interrupts whatever runs (the targeted interrupt came with v0.3.56, commit {@code 464ba1d6}).
     */
    V0_3_44("0.3.44"),
    /** ComfyUI v0.3.65, the captured protocol: targeted interrupt, no jobs API. The default. */
    V0_3_65("0.3.65"),
    /**
     * ComfyUI v0.33.0 (source-read): the jobs API ({@code GET /api/jobs}, {@code GET /api/jobs/{id}},
     * {@code POST /api/jobs/{id}/cancel}, {@code POST /api/jobs/cancel}), {@code prompt_id} must be a canonical
     * UUID, {@code extra_data.create_time}, and no secrets in {@code /queue}.
     */
    V0_33_0("0.33.0");

    private final String version;

    ProtocolVersion(String version) {
        this.version = version;
    }

    /** The ComfyUI version, as {@code /system_stats} reports it. */
    public String version() {
        return version;
    }

    /** Whether {@code POST /interrupt {"prompt_id"}} interrupts only that prompt. */
    public boolean targetedInterrupt() {
        return this != V0_3_44;
    }

    /** Whether the jobs API exists. */
    public boolean jobsApi() {
        return this == V0_33_0;
    }

    /** Reads {@code 0.3.44}, {@code 0.3.65} or {@code 0.33.0}. */
    public static ProtocolVersion parse(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT).replaceFirst("^v", "");
        for (ProtocolVersion v : values()) {
            if (v.version.equals(value)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown protocol version '" + text + "': use one of "
                + Arrays.stream(values()).map(ProtocolVersion::version).collect(Collectors.joining(", ")));
    }
}
