package dev.comfykit.emulator.runninghub;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The account behind one valid API key: its coins and its open (queued or running) tasks. */
final class Account {

    static final long INITIAL_COINS = 100_000;

    private final AtomicLong coins = new AtomicLong(INITIAL_COINS);
    private final Set<Task> open = ConcurrentHashMap.newKeySet();

    long coins() {
        return coins.get();
    }

    void charge(long amount) {
        coins.addAndGet(-amount);
    }

    /** The tasks created and not yet seen ending; {@link TaskBook#openTasks} prunes those that ended unseen. */
    Set<Task> open() {
        return open;
    }
}
