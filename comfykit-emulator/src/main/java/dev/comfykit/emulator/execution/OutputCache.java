package dev.comfykit.emulator.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.emulator.json.Json;
import dev.comfykit.emulator.nodes.NodeDefinition;
import dev.comfykit.emulator.nodes.NodeRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ComfyUI's output cache: a node's result is reused when its class, its widget values, its {@code IS_CHANGED}
 * fingerprint and (recursively) its inputs' signatures are unchanged, whoever submitted the prompt. Like the
 * default ("classic") cache it keeps only entries that the current prompts use.
 */
final class OutputCache {

    /** A node's outputs by slot and its UI dictionary (null for nodes without UI). */
    record Entry(Object[] outputs, ObjectNode ui) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Map<Object, Set<String>> inUse = new HashMap<>();

    /** Signatures of every node of a prompt, keyed by node id. */
    Map<String, String> signatures(ObjectNode prompt, NodeRegistry registry) {
        Map<String, String> out = new HashMap<>();
        Iterator<String> ids = prompt.fieldNames();
        while (ids.hasNext()) {
            signature(prompt, ids.next(), registry, out, new HashSet<>());
        }
        return out;
    }

    private String signature(ObjectNode prompt, String id, NodeRegistry registry, Map<String, String> memo, Set<String> path) {
        String known = memo.get(id);
        if (known != null) {
            return known;
        }
        JsonNode node = prompt.get(id);
        if (node == null || !path.add(id)) {
            return "?" + id;
        }
        StringBuilder sb = new StringBuilder(128);
        JsonNode classType = node.get("class_type");
        sb.append(classType == null ? "" : classType.asText()).append('|');
        JsonNode inputs = node.get("inputs");
        NodeDefinition def = classType == null ? null : registry.get(classType.asText());
        if (inputs != null && inputs.isObject()) {
            TreeMap<String, JsonNode> sorted = new TreeMap<>();
            inputs.fields().forEachRemaining(f -> sorted.put(f.getKey(), f.getValue()));
            for (Map.Entry<String, JsonNode> f : sorted.entrySet()) {
                JsonNode v = f.getValue();
                sb.append(f.getKey()).append('=');
                if (v.isArray() && v.size() == 2 && v.get(0).isTextual() && v.get(1).isIntegralNumber() && prompt.has(v.get(0).textValue())) {
                    sb.append('@').append(signature(prompt, v.get(0).textValue(), registry, memo, path)).append('#').append(v.get(1).asText());
                } else {
                    sb.append(Json.text(v));
                }
                sb.append(';');
            }
            if (def != null && def.fingerprint() != null) {
                sb.append("changed=").append(def.fingerprint().of((ObjectNode) inputs));
            }
        }
        path.remove(id);
        String sig = sha256(sb.toString());
        memo.put(id, sig);
        return sig;
    }

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private static String sha256(String text) {
        MessageDigest digest = SHA256.get();
        digest.reset();
        return java.util.HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)), 0, 16);
    }

    /**
     * Registers the signatures a run uses and drops entries no running prompt uses any more (ComfyUI's
     * {@code clean_unused}).
     */
    synchronized void begin(Object run, Map<String, String> signatures) {
        inUse.put(run, new HashSet<>(signatures.values()));
        Set<String> keep = new HashSet<>();
        inUse.values().forEach(keep::addAll);
        entries.keySet().retainAll(keep);
    }

    synchronized void end(Object run) {
        inUse.remove(run);
    }

    Entry get(String signature) {
        return entries.get(signature);
    }

    void put(String signature, Entry entry) {
        entries.put(signature, entry);
    }

    synchronized void clear() {
        entries.clear();
    }

    List<String> cachedNodes(ObjectNode prompt, Map<String, String> signatures) {
        List<String> nodes = new ArrayList<>();
        prompt.fieldNames().forEachRemaining(id -> {
            String sig = signatures.get(id);
            if (sig != null && entries.containsKey(sig)) {
                nodes.add(id);
            }
        });
        return nodes;
    }
}
