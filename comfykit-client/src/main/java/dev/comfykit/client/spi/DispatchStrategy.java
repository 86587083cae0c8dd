package dev.comfykit.client.spi;

import dev.comfykit.client.ServerSpec;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How a pool of ComfyUI servers picks the server of a prompt. The pool calls {@link #choose} with the servers that may
 * take the prompt now (up, able to run the workflow, below their {@code maxInFlight}), in the configured order;
 * never with an empty list. Implementations must be thread-safe and fast (no I/O): the pool calls them under its lock.
 */
@FunctionalInterface
public interface DispatchStrategy {

    /**
     * What the pool knows of one candidate server.
     *
     * @param index      the server's position in the pool's configuration
     * @param server     the server's configuration
     * @param inFlight   this client's prompts on the server now (queued or running there)
     * @param queueDepth the prompts queued or running on the server for other clients, as last read from its
     *                   {@code /queue}
     */
    record Candidate(int index, ServerSpec server, int inFlight, int queueDepth) {

        /** The work ahead of a new prompt on this server, per unit of weight. */
        public double load() {
            return (double) (inFlight + queueDepth) / server.weight();
        }

        /** Whether nothing is queued or running there. */
        public boolean idle() {
            return inFlight + queueDepth == 0;
        }
    }

    /** Picks one of the candidates (a non-empty list). */
    Candidate choose(List<Candidate> candidates);

    /**
     * Least work first: the lowest {@link Candidate#load()}; ties go round-robin, so equal servers share the work.
     */
    static DispatchStrategy leastQueue() {
        AtomicLong turn = new AtomicLong();
        return candidates -> {
            double least = candidates.stream().mapToDouble(Candidate::load).min().orElseThrow();
            List<Candidate> tied = candidates.stream().filter(c -> c.load() == least).toList();
            return tied.get((int) Math.floorMod(turn.getAndIncrement(), (long) tied.size()));
        };
    }

    /** Each server in turn, whatever its queue (a server of weight n gets n turns). */
    static DispatchStrategy roundRobin() {
        AtomicLong turn = new AtomicLong();
        return candidates -> {
            int slots = candidates.stream().mapToInt(c -> c.server().weight()).sum();
            long slot = Math.floorMod(turn.getAndIncrement(), (long) slots);
            for (Candidate candidate : candidates) {
                slot -= candidate.server().weight();
                if (slot < 0) {
                    return candidate;
                }
            }
            return candidates.get(0);
        };
    }

    /** The first idle server in the configured order; when none is idle, the least loaded. */
    static DispatchStrategy firstIdle() {
        DispatchStrategy fallback = leastQueue();
        return candidates -> candidates.stream().filter(Candidate::idle).min(Comparator.comparingInt(Candidate::index))
                .orElseGet(() -> fallback.choose(candidates));
    }

    /** The names {@link #named(String)} knows, as the {@code dispatch} option takes them. */
    List<String> NAMES = List.of("least-queue", "round-robin", "first-idle");

    /**
     * The strategy of a {@code dispatch} option value: {@code least-queue}, {@code round-robin} or
     * {@code first-idle}.
     *
     * @throws IllegalArgumentException for any other name
     */
    static DispatchStrategy named(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "least-queue" -> leastQueue();
            case "round-robin" -> roundRobin();
            case "first-idle" -> firstIdle();
            default -> throw new IllegalArgumentException("Unknown dispatch strategy '" + name
                    + "': use least-queue, round-robin or first-idle");
        };
    }
}
