package dev.comfykit.emulator.queue;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.comfykit.emulator.json.Json;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finished prompts in completion order, at most 10,000 (the oldest go first), in memory only: lost on restart as
 * in ComfyUI.
 */
public final class History {

    static final int MAXIMUM_HISTORY_SIZE = 10_000;

    private final LinkedHashMap<String, HistoryEntry> entries = new LinkedHashMap<>();

    synchronized void put(HistoryEntry entry) {
        if (entries.size() > MAXIMUM_HISTORY_SIZE) {
            String oldest = entries.keySet().iterator().next();
            entries.remove(oldest);
        }
        entries.put(entry.promptId(), entry);
    }

    public synchronized HistoryEntry get(String promptId) {
        return entries.get(promptId);
    }

    /** Every entry, oldest first (the jobs API lists them). */
    public synchronized List<HistoryEntry> entries() {
        return new ArrayList<>(entries.values());
    }

    public synchronized int size() {
        return entries.size();
    }

    public synchronized void delete(String promptId) {
        entries.remove(promptId);
    }

    public synchronized void clear() {
        entries.clear();
    }

    /** {@code GET /history/{id}}: {@code {"id": entry}} or {@code {}}. */
    public byte[] json(String promptId) {
        HistoryEntry e = get(promptId);
        return e == null ? "{}".getBytes() : concat(List.of(e));
    }

    /**
     * {@code GET /history?max_items=N&offset=K} with ComfyUI's arithmetic: without an offset the last N entries,
     * with one N entries from position K.
     */
    public byte[] json(Integer maxItems, Integer offsetParam) {
        List<HistoryEntry> out = new ArrayList<>();
        synchronized (this) {
            int offset = offsetParam == null ? -1 : offsetParam;
            if (offset < 0 && maxItems != null) {
                offset = entries.size() - maxItems;
            }
            int i = 0;
            for (Map.Entry<String, HistoryEntry> e : entries.entrySet()) {
                if (i >= offset) {
                    out.add(e.getValue());
                    if (maxItems != null && out.size() >= maxItems) {
                        break;
                    }
                }
                i++;
            }
        }
        return concat(out);
    }

    private static byte[] concat(List<HistoryEntry> list) {
        int size = 2;
        for (HistoryEntry e : list) {
            size += e.bytes().length + e.promptId().length() + 8;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.write('{');
        boolean first = true;
        for (HistoryEntry e : list) {
            if (!first) {
                out.writeBytes(", ".getBytes());
            }
            first = false;
            out.writeBytes(Json.bytes(TextNode.valueOf(e.promptId())));
            out.writeBytes(": ".getBytes());
            out.writeBytes(e.bytes());
        }
        out.write('}');
        return out.toByteArray();
    }
}
