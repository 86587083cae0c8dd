package dev.comfykit.examples.progress;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The jobs of the page and their Server-Sent Events streams.
 * <p>
 * Every job keeps the events it published so far and replays them to a stream that connects late (the browser opens
 * its stream after the job was created, and {@code EventSource} reconnects by itself with {@code Last-Event-ID}).
 * Of the previews, queue positions and queue lengths only the latest is kept for replay, so a job's memory does not
 * grow with its previews; at most {@link #MAX_JOBS} jobs are kept, the oldest finished ones are forgotten first.
 */
final class JobHub implements AutoCloseable {

    /** The jobs kept (with their image) before the oldest finished ones are forgotten. */
    static final int MAX_JOBS = 50;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Events of which a late stream needs only the latest: the preview image, the queue position and length. */
    private static final java.util.Set<String> LATEST_ONLY = java.util.Set.of("preview", "queued", "queue");

    private final Map<String, Job> jobs = new LinkedHashMap<>();

    /** One job: what the page asked for, the events so far, the open streams, the image once done. */
    static final class Job {
        private final String id;
        private final String prompt;
        private final List<SentEvent> log = new ArrayList<>();
        private final List<HttpServerResponse> streams = new CopyOnWriteArrayList<>();
        private long nextEventId = 1;
        private boolean ended;
        private boolean queued;
        private boolean running;
        private String promptId;
        private byte[] image;
        private String imageType;

        private Job(String id, String prompt) {
            this.id = id;
            this.prompt = prompt;
        }

        String id() {
            return id;
        }

        String prompt() {
            return prompt;
        }

        synchronized Optional<byte[]> image() {
            return Optional.ofNullable(image);
        }

        synchronized String imageType() {
            return imageType;
        }

        synchronized String promptId() {
            return promptId;
        }

        synchronized boolean ended() {
            return ended;
        }
    }

    /** One event as written to a stream. */
    private record SentEvent(long id, String name, String data) {
        String frame() {
            return "id: " + id + "\nevent: " + name + "\ndata: " + data + "\n\n";
        }
    }

    /** A new job for a prompt; its id names its stream and its image. */
    synchronized Job create(String prompt) {
        forgetOldJobs();
        Job job = new Job(UUID.randomUUID().toString(), prompt);
        jobs.put(job.id, job);
        return job;
    }

    synchronized Optional<Job> job(String id) {
        return Optional.ofNullable(id == null ? null : jobs.get(id));
    }

    /**
     * The job waits for ComfyUI: tells its page its position, the number of this application's jobs queued before
     * it that have not started yet, plus one.
     */
    void queued(Job job) {
        synchronized (job) {
            job.queued = true;
        }
        updatePositions();
    }

    /** The server's queue changed: tells the pages of the waiting jobs how many prompts it has. */
    void serverQueue(int queueRemaining) {
        for (Job job : waiting()) {
            publish(job, "queue", object().put("queueRemaining", queueRemaining));
        }
    }

    private List<Job> waiting() {
        List<Job> waiting = new ArrayList<>();
        synchronized (this) {
            for (Job job : jobs.values()) {
                synchronized (job) {
                    if (job.queued && !job.running && !job.ended) {
                        waiting.add(job);
                    }
                }
            }
        }
        return waiting;
    }

    /** Tells every waiting job its position again (one started or ended, those behind it moved up). */
    private void updatePositions() {
        List<Job> waiting = waiting();
        for (int i = 0; i < waiting.size(); i++) {
            publish(waiting.get(i), "queued", object().put("position", i + 1));
        }
    }

    /** Links the job to its ComfyUI prompt (the first time: tells the page the prompt id). */
    void promptSubmitted(Job job, String promptId) {
        synchronized (job) {
            if (promptId.equals(job.promptId)) {
                return;
            }
            job.promptId = promptId;
        }
        publish(job, "submitted", object().put("promptId", promptId));
    }

    /** The job's prompt started running: it leaves the queue, the jobs behind it move up. */
    void running(Job job) {
        synchronized (job) {
            if (job.running || job.ended) {
                return;
            }
            job.running = true;
        }
        publish(job, "started", object());
        updatePositions();
    }

    /** Keeps the final image and tells the page where to get it; nothing is published after this. */
    void succeeded(Job job, byte[] image, String contentType) {
        synchronized (job) {
            job.image = image;
            job.imageType = contentType;
        }
        publish(job, "done", object().put("image", "/jobs/" + job.id + "/image"));
        end(job);
    }

    /** Tells the page why the job failed; nothing is published after this. */
    void failed(Job job, String message) {
        publish(job, "failed", object().put("message", message));
        end(job);
    }

    /**
     * Sends an event to the job's open streams and keeps it for those that connect later (for a preview, only
     * until the next preview). Ignored once the job ended.
     */
    void publish(Job job, String name, ObjectNode data) {
        SentEvent event;
        synchronized (job) {
            if (job.ended) {
                return;
            }
            event = new SentEvent(job.nextEventId++, name, data.toString());
            if (LATEST_ONLY.contains(name)) {
                job.log.removeIf(e -> e.name().equals(name));
            }
            job.log.add(event);
            // written under the job's lock, so that a stream that is connecting sees every event once, in order
            for (HttpServerResponse stream : job.streams) {
                write(stream, event.frame());
            }
        }
    }

    private void end(Job job) {
        boolean wasWaiting;
        synchronized (job) {
            wasWaiting = !job.running;
            job.ended = true;
        }
        if (wasWaiting) {
            updatePositions();
        }
    }

    /**
     * The Vert.x handler of {@code GET /jobs/:id/events}: an endless {@code text/event-stream} that first replays
     * the job's events after the {@code Last-Event-ID} the browser sends (all of them on the first connection).
     */
    void stream(RoutingContext routing) {
        HttpServerResponse response = routing.response();
        Optional<Job> found = job(routing.pathParam("id"));
        if (found.isEmpty()) {
            response.setStatusCode(404).putHeader("Content-Type", "text/plain; charset=utf-8")
                    .end("No such job: it never existed or was forgotten (only the last " + MAX_JOBS + " are kept)\n");
            return;
        }
        Job job = found.get();
        long after = lastEventId(routing.request().getHeader("Last-Event-ID"));
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        synchronized (job) {
            StringBuilder replay = new StringBuilder("retry: 1000\n\n");
            for (SentEvent event : job.log) {
                if (event.id() > after) {
                    replay.append(event.frame());
                }
            }
            write(response, replay.toString());
            job.streams.add(response);
        }
        response.closeHandler(closed -> job.streams.remove(response));
        response.exceptionHandler(failed -> job.streams.remove(response));
    }

    private static long lastEventId(String header) {
        try {
            return header == null ? 0 : Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void write(HttpServerResponse stream, String frame) {
        if (!stream.closed() && !stream.ended()) {
            stream.write(io.vertx.core.buffer.Buffer.buffer(frame.getBytes(StandardCharsets.UTF_8)));
        }
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    private void forgetOldJobs() {
        Iterator<Job> oldestFirst = jobs.values().iterator();
        while (jobs.size() >= MAX_JOBS && oldestFirst.hasNext()) {
            Job job = oldestFirst.next();
            if (job.ended()) {
                closeStreams(job);
                oldestFirst.remove();
            }
        }
    }

    private static void closeStreams(Job job) {
        for (HttpServerResponse stream : job.streams) {
            if (!stream.closed() && !stream.ended()) {
                stream.end();
            }
        }
        job.streams.clear();
    }

    /** Ends every open stream (the application stops). */
    @Override
    public synchronized void close() {
        jobs.values().forEach(JobHub::closeStreams);
    }
}
