package dev.comfykit.client.internal.runninghub;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The polling of one task: one poll at a time, the next one an interval after the last answer, and {@link #now()}
 * (a webhook said the task ended) moves the next poll to now instead of starting a second one. With a webhook the
 * interval is long (the grace period), so the webhook ends the wait and the polling is the fallback; it never stops.
 * After a webhook the next few polls come at the short interval, in case RunningHub's answer lags behind its call.
 */
final class PollLoop {

    private final ScheduledExecutorService scheduler;
    /** How many polls after a webhook use the short interval. */
    private static final int POLLS_AFTER_WEBHOOK = 3;

    private final long intervalNanos;
    private final long shortIntervalNanos;
    private int boosted;
    private final Runnable poll;
    private ScheduledFuture<?> next;
    private boolean inFlight;
    private boolean again;
    private boolean stopped;

    /**
     * @param interval      between two polls
     * @param shortInterval between the polls right after a webhook (the poll interval)
     */
    PollLoop(ScheduledExecutorService scheduler, Duration interval, Duration shortInterval, Runnable poll) {
        this.scheduler = scheduler;
        this.intervalNanos = interval.toNanos();
        this.shortIntervalNanos = Math.min(shortInterval.toNanos(), intervalNanos);
        this.poll = poll;
    }

    /** After an answer that the task still runs: the next poll, now if a webhook came meanwhile. */
    synchronized void schedule() {
        inFlight = false;
        if (stopped) {
            return;
        }
        long delay = again ? 0 : boosted > 0 ? shortIntervalNanos : intervalNanos;
        if (!again && boosted > 0) {
            boosted--;
        }
        again = false;
        next = scheduler.schedule(this::fire, delay, TimeUnit.NANOSECONDS);
    }

    /** A webhook says the task ended: poll now, or right after the poll in flight. */
    synchronized void now() {
        if (stopped) {
            return;
        }
        boosted = POLLS_AFTER_WEBHOOK;
        if (inFlight) {
            again = true;
        } else if (next == null || next.cancel(false)) {
            next = scheduler.schedule(this::fire, 0, TimeUnit.NANOSECONDS);
        }
        // else the scheduled poll is starting: it is the poll asked for
    }

    synchronized void stop() {
        stopped = true;
        if (next != null) {
            next.cancel(false);
        }
    }

    private void fire() {
        synchronized (this) {
            if (stopped) {
                return;
            }
            inFlight = true;
            next = null;
        }
        poll.run();
    }
}
