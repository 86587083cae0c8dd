package dev.comfykit.emulator.http;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** What clients sent to {@code POST /prompt}, so tests can assert on it. */
public final class PromptLog {

    private final int capacity;
    private final AtomicLong received = new AtomicLong();
    private final ArrayDeque<String> bodies = new ArrayDeque<>();

    public PromptLog(int capacity) {
        this.capacity = capacity;
    }

    void record(String body) {
        received.incrementAndGet();
        synchronized (bodies) {
            if (bodies.size() == capacity) {
                bodies.removeFirst();
            }
            bodies.addLast(body);
        }
    }

    public long received() {
        return received.get();
    }

    /** The most recent bodies, oldest first. */
    public List<String> bodies() {
        synchronized (bodies) {
            return List.copyOf(new ArrayList<>(bodies));
        }
    }

    public void reset() {
        received.set(0);
        synchronized (bodies) {
            bodies.clear();
        }
    }
}
