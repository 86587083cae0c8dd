package dev.comfykit.emulator.runninghub;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys the emulation knows: valid keys (one account each), keys of "the other site" (806) and, for everything
 * else, 802. The key travels in the body ({@code apiKey}; {@code apikey} for accountStatus; a form field for upload).
 */
final class Accounts {

    /** A key check: the account, or the error code to answer with. */
    record Check(Account account, int code) {
        boolean ok() {
            return account != null;
        }
    }

    private final Map<String, Account> valid = new ConcurrentHashMap<>();
    private final Set<String> otherSite = ConcurrentHashMap.newKeySet();

    void addValid(String key) {
        Objects.requireNonNull(key, "apiKey");
        otherSite.remove(key);
        valid.computeIfAbsent(key, k -> new Account());
    }

    void addOtherSite(String key) {
        Objects.requireNonNull(key, "apiKey");
        valid.remove(key);
        otherSite.add(key);
    }

    Check check(JsonNode key) {
        return check(key != null && key.isTextual() ? key.textValue() : null);
    }

    Check check(String key) {
        if (key == null || key.isBlank()) {
            return new Check(null, Envelopes.APIKEY_UNAUTHORIZED);
        }
        Account account = valid.get(key);
        if (account != null) {
            return new Check(account, Envelopes.OK);
        }
        return new Check(null, otherSite.contains(key) ? Envelopes.APIKEY_USER_NOT_FOUND : Envelopes.APIKEY_UNAUTHORIZED);
    }
}
