package dev.comfykit.client;

import java.util.Locale;
import java.util.Objects;

/**
 * Where a prompt goes in a ComfyUI server's queue: {@link #NORMAL} (behind everything queued before it), {@link #FRONT}
 * (ahead of every prompt queued normally, as ComfyUI's {@code "front": true}) or an explicit queue {@link #number}
 * (ComfyUI's {@code "number"}: lower runs first; normal prompts get the server's counter 0, 1, 2, ..., front prompts
 * its negation). The queue is the server's, shared by every client: a front or low-numbered prompt also runs before
 * other clients' prompts. RunningHub has no such order and ignores it.
 * <p>
 * As text (the {@code priority} option, the component's header): {@code normal}, {@code front}, or a number such
 * as {@code -5} or {@code 1000}.
 */
public final class Priority {

    /** Behind everything queued before it; ComfyUI's default. */
    public static final Priority NORMAL = new Priority(Kind.NORMAL, 0);
    /** Ahead of every prompt queued normally ({@code "front": true}). */
    public static final Priority FRONT = new Priority(Kind.FRONT, 0);

    private enum Kind { NORMAL, FRONT, NUMBER }

    private final Kind kind;
    private final double number;

    private Priority(Kind kind, double number) {
        this.kind = kind;
        this.number = number;
    }

    /**
     * An explicit queue number: lower runs first.
     *
     * @throws IllegalArgumentException for NaN or an infinite number
     */
    public static Priority number(double number) {
        if (!Double.isFinite(number)) {
            throw new IllegalArgumentException("A queue number must be finite, got " + number);
        }
        return new Priority(Kind.NUMBER, number);
    }

    /**
     * Reads {@code normal}, {@code front} (any case) or a number.
     *
     * @throws IllegalArgumentException naming the accepted forms for anything else
     */
    public static Priority parse(String text) {
        String value = Objects.requireNonNull(text, "priority").trim().toLowerCase(Locale.ROOT);
        if (value.equals("normal")) {
            return NORMAL;
        }
        if (value.equals("front")) {
            return FRONT;
        }
        try {
            return number(Double.parseDouble(value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("A priority must be normal, front or a queue number such as -5 or 1000"
                    + " (lower runs first), got '" + text + "'");
        }
    }

    /** Whether the prompt goes to the front ({@code "front": true}). */
    public boolean isFront() {
        return kind == Kind.FRONT;
    }

    /** Whether the prompt is queued normally (no field is sent). */
    public boolean isNormal() {
        return kind == Kind.NORMAL;
    }

    /** The explicit queue number, or {@code null} for normal and front. */
    public Double queueNumber() {
        return kind == Kind.NUMBER ? number : null;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Priority that && kind == that.kind
                && Double.compare(number, that.number) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, number);
    }

    /** The text form that {@link #parse} reads. */
    @Override
    public String toString() {
        return switch (kind) {
            case NORMAL -> "normal";
            case FRONT -> "front";
            case NUMBER -> number == Math.rint(number) && Math.abs(number) < 1e15 ? Long.toString((long) number)
                    : Double.toString(number);
        };
    }
}
