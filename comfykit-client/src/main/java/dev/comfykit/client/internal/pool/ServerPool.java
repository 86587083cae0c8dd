package dev.comfykit.client.internal.pool;

import dev.comfykit.client.CancelOutcome;
import dev.comfykit.client.ClientOption;
import dev.comfykit.client.ComfyKitConfig;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutionError;
import dev.comfykit.client.ServerSpec;
import dev.comfykit.client.ServerStatus;
import dev.comfykit.client.SubmissionException;
import dev.comfykit.client.SubmittedPrompt;
import dev.comfykit.client.WorkflowSource;
import dev.comfykit.client.dsl.WorkflowSchema;
import dev.comfykit.client.internal.backend.ComfyUiBackend;
import dev.comfykit.client.internal.execution.PromptJournal;
import dev.comfykit.client.internal.client.ClientConnections;
import dev.comfykit.client.internal.comfyui.ComfyUiApi;
import dev.comfykit.client.internal.execution.Failures;
import dev.comfykit.client.spi.Backend;
import dev.comfykit.client.spi.DispatchStrategy;
import dev.comfykit.client.spi.PromptRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * A pool of ComfyUI servers behind one {@link Backend}: one {@link ComfyUiBackend} per server (its own API, uploads
 * and input limits; the client's threads), a member picked per prompt by a {@link DispatchStrategy}, and failover.
 * <p>
 * <b>Dispatch.</b> A server is a candidate when its {@link ServerHealth#allowsDispatch() health} allows it and its
 * {@link ServerCapabilities} miss nothing the workflow names; among the candidates below their {@code maxInFlight}
 * the strategy chooses. When every candidate is at its cap the prompt waits here, in order, until one has room (or
 * its time limit ends). When no server can run the workflow it fails at once ({@code VALIDATION}) naming what is
 * missing where. Each member's {@code /queue} is read every second while the pool has been used in the last
 * half minute, so that least-queue also sees other clients' work.
 * <p>
 * <b>Failover.</b> A prompt runs on one server at a time. When an attempt fails because the server could not be
 * reached ({@code CONNECTION}), did not accept the prompt ({@code SERVER} without a prompt id) or forgot it
 * ({@code LOST}: the engine found it neither queued nor in the history after the grace period, so it cannot still
 * run there), the same request runs again on another candidate (servers not tried yet first), up to
 * {@code maxAttempts} runs, within the original time limit; {@code EXECUTION} only when configured, validation
 * never. A submission whose answer was lost is never sent twice by the engine: it waits for the prompt in the queue
 * and history and reports it lost only when the server does not have it. The caller's future completes once, with
 * the last attempt's result.
 * <p>
 * <b>Ids.</b> Results and submissions remember which member owns their prompt id, so {@link #await} and
 * {@link #cancel} go there; an id this client never saw is looked up in every member's queue and history. A prompt
 * that {@link #submit} placed and that a server later loses is run again elsewhere by {@link #await}, which keeps
 * answering to the original id.
 */
public final class ServerPool implements Backend {

    private static final Logger LOG = LoggerFactory.getLogger(ServerPool.class);
    /** How often the members' queues are read while the pool is in use. */
    private static final Duration QUEUE_POLL = Duration.ofSeconds(1);
    /** The pool stops reading queues after this long without a dispatch. */
    private static final Duration ACTIVE = Duration.ofSeconds(30);
    /** Ids remembered for await and cancel (the oldest are forgotten, then found by asking every member). */
    private static final int REMEMBERED_IDS = 100_000;

    private final List<Member> members;
    private final DispatchStrategy strategy;
    private final int maxAttempts;
    private final boolean failoverOnExecutionError;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier clock;
    private final Object lock = new Object();
    /** Prompts waiting for a server with room, in arrival order; guarded by {@link #lock}. */
    private final LinkedList<Job> waiting = new LinkedList<>();
    /** Prompt id to the member that ran or runs it. */
    private final Map<String, Member> owners = bounded();
    /** For prompts placed by {@link #submit}: the caller's id to the current attempt (and what to run again). */
    private final Map<String, Placement> placements = bounded();
    private final AtomicLong resubmissions = new AtomicLong();
    private final ScheduledFuture<?> poller;
    private volatile long lastDispatchNanos;
    private volatile boolean closed;

    /** One server of the pool. */
    public static final class Member {
        final int index;
        final ServerSpec spec;
        final Backend backend;
        final ComfyUiApi api;
        final ServerHealth health;
        final ServerCapabilities capabilities;
        /** This client's prompts there; guarded by the pool's lock. */
        int inFlight;
        /** Other work queued there, from its last {@code /queue} or {@code status} event. */
        volatile int othersQueued;
        /** When a queue depth last came without asking ({@code status} events, the engine's own reads). */
        volatile long depthSeenNanos;
        /** Whether one ever came. */
        volatile boolean depthSeen;
        /** Whether a {@code /queue} request is out: a slow server never has two (each holds an I/O thread). */
        final AtomicBoolean polling = new AtomicBoolean();

        /** @param api the server's API for its queue and history; {@code null} when they are not read (tests) */
        public Member(int index, ServerSpec spec, Backend backend, ComfyUiApi api, ServerHealth health,
                      ServerCapabilities capabilities) {
            this.index = index;
            this.spec = spec;
            this.backend = backend;
            this.api = api;
            this.health = health;
            this.capabilities = capabilities;
        }

        public String name() {
            return spec.name();
        }

        /** The member's backend (a {@code ComfyUiBackend} when built by {@link #create}). */
        public Backend backend() {
            return backend;
        }

        @Override
        public String toString() {
            return spec.name();
        }
    }

    /** A prompt submitted by {@link #submit}: its current id and server, and the request to run again. */
    private record Placement(String currentId, Member member, PromptRequest request, int attempts) {
    }

    public ServerPool(List<Member> members, DispatchStrategy strategy, int maxAttempts,
                      boolean failoverOnExecutionError, ScheduledExecutorService scheduler, LongSupplier clock) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("A pool needs at least one server");
        }
        this.members = List.copyOf(members);
        this.strategy = strategy;
        this.maxAttempts = maxAttempts;
        this.failoverOnExecutionError = failoverOnExecutionError;
        this.scheduler = scheduler;
        this.clock = clock;
        // active from the start, so that the first prompts already see the queues of other clients
        this.lastDispatchNanos = clock.getAsLong();
        // a server going down may leave waiting prompts with no server: they are dispatched again at once
        this.members.forEach(member -> member.health.onDown(this::drain));
        // the live queue (status events, the engine's reads) makes the pool's own /queue read unnecessary
        this.members.forEach(member -> member.health.onQueueDepth(depth -> queueSeen(member, depth)));
        this.poller = scheduler.scheduleWithFixedDelay(this::pollQueues, QUEUE_POLL.toMillis(), QUEUE_POLL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** The pool of the configured servers, each with its own API and backend on the client's threads. */
    public static ServerPool create(ComfyKitConfig config, ClientConnections connections) {
        return create(config, connections, PromptJournal.NONE);
    }

    /** A pool whose members record their jobs' prompts in a journal (a durable job store) before submitting them. */
    public static ServerPool create(ComfyKitConfig config, ClientConnections connections, PromptJournal journal) {
        List<Member> members = new ArrayList<>();
        LabelSelector selector = LabelSelector.parse(config.get(ClientOption.SERVER_LABELS));
        List<ServerSpec> chosen = config.getServers().stream().filter(spec -> selector.matches(spec.labels())).toList();
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("serverLabels '" + config.get(ClientOption.SERVER_LABELS)
                    + "' matches none of the servers: " + config.getServers().stream()
                    .map(spec -> spec.name() + " " + (spec.labels().isEmpty() ? "(no labels)" : spec.labels()))
                    .collect(Collectors.joining(", ")) + ". Correct the selector or give the servers labels"
                    + " (servers=name=url;label.gpu=a100).");
        }
        for (ServerSpec spec : chosen) {
            ComfyUiApi api = connections.apiFor(config, URI.create(spec.url()), spec.apiKey());
            ComfyUiBackend backend = ComfyUiBackend.create(api, config, connections, spec.name(), journal);
            members.add(new Member(members.size(), spec, backend, api, backend.health(), backend.capabilities()));
        }
        return new ServerPool(members, config.getDispatchStrategy(), config.getMaxAttempts(),
                config.isFailoverOnExecutionError(), connections.scheduler(), System::nanoTime);
    }

    /** How many times a prompt was run again on another server since the pool was created. */
    public long resubmissions() {
        return resubmissions.get();
    }

    /** Every member's status, in configured order, under the member's name. */
    @Override
    public List<ServerStatus> servers() {
        return members.stream().flatMap(member -> member.backend.servers().stream()
                .map(status -> new ServerStatus(status.url(), member.name(), status.state(), status.lastError(),
                        status.queueDepth()))).toList();
    }

    /** The members, in configured order. */
    public List<Member> members() {
        return members;
    }

    /** This client's prompts on a member now. */
    public int inFlight(Member member) {
        synchronized (lock) {
            return member.inFlight;
        }
    }

    // ---- execute ------------------------------------------------------------------------------------------------

    /** One execution through the pool: the caller's future and the attempts behind it. */
    private final class Job {
        final PromptRequest request;
        final boolean submitOnly;
        final CompletableFuture<ExecuteResult> result = new CompletableFuture<>();
        final CompletableFuture<SubmittedPrompt> submitted = new CompletableFuture<>();
        final Set<Member> tried = ConcurrentHashMap.newKeySet();
        volatile int attempts;
        volatile CompletableFuture<?> current;
        volatile List<Member> candidates = List.of();
        volatile ScheduledFuture<?> waitTimer;

        Job(PromptRequest request, boolean submitOnly) {
            this.request = request;
            this.submitOnly = submitOnly;
        }

        CompletableFuture<?> caller() {
            return submitOnly ? submitted : result;
        }

        boolean isDone() {
            return caller().isDone();
        }

        void fail(ExecutionError error) {
            if (submitOnly) {
                submitted.completeExceptionally(new SubmissionException(error));
            } else {
                result.complete(ExecuteResult.failure(null, elapsedSeconds(), error));
            }
        }

        double elapsedSeconds() {
            return (clock.getAsLong() - request.startNanos()) / 1e9;
        }

        long remainingNanos() {
            return request.startNanos() + request.timeout().toNanos() - clock.getAsLong();
        }

        /** It leaves the pool's waiting line: its timeout there no longer applies. */
        void stopWaiting() {
            ScheduledFuture<?> timer = waitTimer;
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }

    @Override
    public CompletableFuture<ExecuteResult> execute(PromptRequest request) {
        if (request.isRunningHub()) {
            return members.get(0).backend.execute(request);
        }
        Job job = new Job(request, false);
        job.result.whenComplete((r, e) -> {
            if (e instanceof CancellationException) {
                // the caller gave up: stop the attempt (which cancels its prompt where it runs)
                CompletableFuture<?> attempt = job.current;
                if (attempt != null) {
                    attempt.cancel(true);
                }
            }
        });
        dispatch(job);
        return job.result;
    }

    @Override
    public CompletableFuture<SubmittedPrompt> submit(PromptRequest request) {
        if (request.isRunningHub()) {
            return members.get(0).backend.submit(request);
        }
        Job job = new Job(request, true);
        dispatch(job);
        return job.submitted;
    }

    /** Finds the candidates of a job, then places it (or fails it when no server can run it). */
    private void dispatch(Job job) {
        if (closed) {
            job.fail(ExecutionError.of(ErrorKind.CANCELLED, "The ComfyKit client was closed."));
            return;
        }
        long now = clock.getAsLong();
        boolean wasIdle = now - lastDispatchNanos > ACTIVE.toNanos();
        lastDispatchNanos = now;
        if (wasIdle) {
            // the queues were not read for a while: read them now, for the prompts that follow this one
            pollQueues();
        }
        LabelSelector selector = LabelSelector.parse(job.request.serverLabels());
        // the client's serverLabels chose the members; the request's selector can only narrow them down
        List<Member> selected = members.stream().filter(m -> selector.matches(m.spec.labels())).toList();
        if (selected.isEmpty()) {
            job.fail(ExecutionError.of(ErrorKind.VALIDATION, NoEligibleServer.message(job.request.origin(), selector,
                    members.stream().map(m -> NoEligibleServer.Server.notSelected(m.name(), m.spec.url()))
                            .toList())));
            return;
        }
        List<Member> up = selected.stream().filter(m -> m.health.allowsDispatch()).toList();
        if (up.isEmpty()) {
            job.fail(ExecutionError.of(ErrorKind.CONNECTION, "No server of the pool"
                    + (selector.isAny() ? "" : " with labels " + selector) + " is up: " + selected.stream()
                    .map(m -> m.name() + (m.health.lastError() == null ? "" : " (" + m.health.lastError() + ")"))
                    .collect(Collectors.joining(", ")) + "."));
            return;
        }
        List<CompletableFuture<ServerCapabilities.Missing>> checks = up.stream()
                .map(m -> m.capabilities.missing(job.request.graph())
                        // a server whose capabilities cannot be read now is tried; it validates the prompt itself
                        .exceptionally(e -> ServerCapabilities.Missing.NOTHING))
                .toList();
        CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).whenComplete((ignored, error) -> {
            List<Member> able = new ArrayList<>();
            Map<Member, ServerCapabilities.Missing> lacking = new LinkedHashMap<>();
            for (int i = 0; i < up.size(); i++) {
                ServerCapabilities.Missing missing = checks.get(i).join();
                if (missing.isEmpty()) {
                    able.add(up.get(i));
                } else {
                    lacking.put(up.get(i), missing);
                }
            }
            if (able.isEmpty()) {
                List<NoEligibleServer.Server> why = new ArrayList<>();
                for (Member member : members) {
                    if (lacking.containsKey(member)) {
                        why.add(NoEligibleServer.Server.lacking(member.name(), member.spec.url(),
                                lacking.get(member)));
                    } else if (!selected.contains(member)) {
                        why.add(NoEligibleServer.Server.notSelected(member.name(), member.spec.url()));
                    }
                }
                job.fail(ExecutionError.of(ErrorKind.VALIDATION, NoEligibleServer.message(job.request.origin(),
                        selector, why)));
                return;
            }
            List<Member> untried = able.stream().filter(m -> !job.tried.contains(m)).toList();
            job.candidates = untried.isEmpty() ? able : untried;
            place(job);
        });
    }

    /** Starts the job on a candidate with room, or queues it here until one has room. */
    private void place(Job job) {
        Member chosen;
        synchronized (lock) {
            chosen = pick(job.candidates);
            if (chosen == null) {
                waiting.add(job);
            } else {
                chosen.inFlight++;
            }
        }
        if (chosen != null) {
            run(job, chosen);
            return;
        }
        long remaining = job.remainingNanos();
        job.waitTimer = scheduler.schedule(() -> waitedTooLong(job), Math.max(0, remaining), TimeUnit.NANOSECONDS);
        // a slot may have been freed between the check and the queueing
        drain();
    }

    private void waitedTooLong(Job job) {
        boolean removed;
        synchronized (lock) {
            removed = waiting.remove(job);
        }
        if (removed) {
            job.fail(ExecutionError.of(ErrorKind.TIMEOUT, "Timed out after " + job.request.timeout().toSeconds()
                    + "s waiting for a server of the pool with room (every server able to run the workflow had"
                    + " maxInFlight prompts of this client)."));
        }
    }

    /**
     * The strategy's choice among the candidates below their cap, or {@code null}; called under the lock. Servers
     * that are up come first: a degraded one (a recent request failed, it is being probed) gets prompts only while
     * no candidate that is up has room, so that a server whose requests start failing stops taking new work before
     * it is called down.
     */
    private Member pick(List<Member> candidates) {
        List<DispatchStrategy.Candidate> open = new ArrayList<>();
        List<DispatchStrategy.Candidate> degraded = new ArrayList<>();
        for (Member member : candidates) {
            if (member.health.allowsDispatch() && (member.spec.unlimited()
                    || member.inFlight < member.spec.maxInFlight())) {
                (member.health.state() == ServerHealth.State.UP ? open : degraded).add(new DispatchStrategy.Candidate(
                        member.index, member.spec, member.inFlight, member.othersQueued));
            }
        }
        if (open.isEmpty()) {
            open = degraded;
        }
        if (open.isEmpty()) {
            return null;
        }
        DispatchStrategy.Candidate choice = strategy.choose(List.copyOf(open));
        return members.get(choice.index());
    }

    /** Starts the jobs that waited, now that a server has room. */
    private void drain() {
        List<Job> start = new ArrayList<>();
        List<Member> on = new ArrayList<>();
        List<Job> stranded = new ArrayList<>();
        synchronized (lock) {
            for (Iterator<Job> it = waiting.iterator(); it.hasNext(); ) {
                Job job = it.next();
                if (job.isDone()) {
                    it.remove();
                    continue;
                }
                if (job.candidates.stream().noneMatch(m -> m.health.allowsDispatch())) {
                    // every server it waited for went down: look for others (or fail) instead of waiting in vain
                    it.remove();
                    stranded.add(job);
                    continue;
                }
                Member member = pick(job.candidates);
                if (member != null) {
                    it.remove();
                    member.inFlight++;
                    start.add(job);
                    on.add(member);
                }
            }
        }
        for (int i = 0; i < start.size(); i++) {
            Job job = start.get(i);
            job.stopWaiting();
            run(job, on.get(i));
        }
        for (Job job : stranded) {
            job.stopWaiting();
            dispatch(job);
        }
    }

    private void release(Member member) {
        synchronized (lock) {
            member.inFlight--;
        }
        drain();
    }

    private void run(Job job, Member member) {
        job.attempts++;
        job.tried.add(member);
        if (job.submitOnly) {
            CompletableFuture<SubmittedPrompt> attempt = Failures.guard(() -> member.backend.submit(job.request));
            job.current = attempt;
            attempt.whenComplete((prompt, error) -> {
                release(member);
                if (error == null) {
                    owners.put(prompt.getPromptId(), member);
                    placements.put(prompt.getPromptId(), new Placement(prompt.getPromptId(), member, job.request,
                            job.attempts));
                    job.submitted.complete(prompt.withServer(member.name()));
                    return;
                }
                Throwable cause = Failures.unwrap(error);
                if (cause instanceof SubmissionException refused && movable(refused.getError(), null)
                        && job.attempts < maxAttempts && !closed) {
                    moveOn(job, member, refused.getError());
                } else {
                    job.submitted.completeExceptionally(cause);
                }
            });
            return;
        }
        CompletableFuture<ExecuteResult> attempt = Failures.guard(() -> member.backend.execute(job.request));
        job.current = attempt;
        if (job.result.isCancelled()) {
            attempt.cancel(true);
        }
        attempt.whenComplete((outcome, error) -> {
            release(member);
            if (error != null) {
                // invalid input (or the caller's cancellation): never run again
                job.result.completeExceptionally(Failures.unwrap(error));
                return;
            }
            ExecuteResult result = outcome.withServer(member.name());
            if (result.getPromptId() != null) {
                owners.put(result.getPromptId(), member);
            }
            if (result.isFailed() && movable(result.getError(), result.getPromptId()) && job.attempts < maxAttempts
                    && !closed && !job.result.isDone() && job.remainingNanos() > 0) {
                moveOn(job, member, result.getError());
            } else {
                LOG.debug("[{}] {} on {}", result.getPromptId(), result.getStatus(), member.name());
                job.result.complete(result);
            }
        });
    }

    private void moveOn(Job job, Member from, ExecutionError error) {
        resubmissions.incrementAndGet();
        LOG.info("Server {} did not run the prompt ({}: {}); running it on another server (attempt {} of {})",
                from.name(), error.getKind(), error.getMessage(), job.attempts + 1, maxAttempts);
        dispatch(job);
    }

    /**
     * Whether a failure proves that the prompt did not and will not run where it was sent, or the configuration
     * asks to move node failures too.
     */
    private boolean movable(ExecutionError error, String promptId) {
        if (error == null) {
            return false;
        }
        return switch (error.getKind()) {
            case CONNECTION, LOST -> true;
            // a 5xx answer to the submission: the server did not queue the prompt
            case SERVER -> promptId == null;
            case EXECUTION -> failoverOnExecutionError;
            default -> false;
        };
    }

    // ---- await / cancel -----------------------------------------------------------------------------------------

    @Override
    public CompletableFuture<ExecuteResult> await(String promptId, Duration timeout) {
        long deadline = clock.getAsLong() + timeout.toNanos();
        return where(promptId).thenCompose(member -> awaitOn(promptId, member, deadline));
    }

    private CompletableFuture<ExecuteResult> awaitOn(String callerId, Member member, long deadline) {
        Placement placement = placements.get(callerId);
        String currentId = placement == null ? callerId : placement.currentId();
        Duration remaining = Duration.ofNanos(Math.max(1, deadline - clock.getAsLong()));
        return member.backend.await(currentId, remaining).thenCompose(raw -> {
            ExecuteResult result = raw.withServer(member.name());
            Placement now = placements.get(callerId);
            if (result.isFailed() && result.getError() != null && result.getError().getKind() == ErrorKind.LOST
                    && now != null && now.attempts() < maxAttempts && !closed
                    && deadline - clock.getAsLong() > 0) {
                // the server forgot a prompt this client placed: run it again elsewhere, under the caller's id
                return resubmit(callerId, now).thenCompose(moved -> moved == null
                        ? CompletableFuture.completedFuture(result) : awaitOn(callerId, moved, deadline));
            }
            return CompletableFuture.completedFuture(result);
        });
    }

    /** Submits a placed prompt again on another server; the member it went to, or {@code null} when it could not. */
    private CompletableFuture<Member> resubmit(String callerId, Placement placement) {
        resubmissions.incrementAndGet();
        LOG.info("[{}] server {} lost the prompt; submitting it to another server (attempt {} of {})", callerId,
                placement.member().name(), placement.attempts() + 1, maxAttempts);
        Job job = new Job(placement.request(), true);
        job.tried.add(placement.member());
        job.attempts = placement.attempts();
        dispatch(job);
        return job.submitted.handle((prompt, error) -> {
            if (error != null) {
                LOG.warn("[{}] could not be submitted again: {}", callerId, Failures.unwrap(error).getMessage());
                return null;
            }
            Member member = owners.get(prompt.getPromptId());
            placements.remove(prompt.getPromptId());
            placements.put(callerId, new Placement(prompt.getPromptId(), member, placement.request(), job.attempts));
            return member;
        });
    }

    @Override
    public CompletableFuture<CancelOutcome> cancel(String promptId) {
        Placement placement = placements.get(promptId);
        String currentId = placement == null ? promptId : placement.currentId();
        return where(promptId).thenCompose(member -> member.backend.cancel(currentId));
    }

    /** The member that owns a prompt: remembered, else the first whose queue or history has it, else the first. */
    private CompletableFuture<Member> where(String promptId) {
        Placement placement = placements.get(promptId);
        if (placement != null) {
            return CompletableFuture.completedFuture(placement.member());
        }
        Member known = owners.get(promptId);
        if (known != null) {
            return CompletableFuture.completedFuture(known);
        }
        List<CompletableFuture<Boolean>> asks = members.stream().map(m -> knows(m, promptId)).toList();
        return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).handle((ignored, error) -> {
            for (int i = 0; i < members.size(); i++) {
                if (asks.get(i).getNow(false)) {
                    owners.put(promptId, members.get(i));
                    return members.get(i);
                }
            }
            // nobody has it: the first member answers (lost, or not found)
            return members.get(0);
        });
    }

    private static CompletableFuture<Boolean> knows(Member member, String promptId) {
        if (member.api == null) {
            return CompletableFuture.completedFuture(false);
        }
        return member.api.knows(promptId).exceptionally(e -> false);
    }

    // ---- the rest -----------------------------------------------------------------------------------------------

    @Override
    public CompletableFuture<WorkflowSchema> describe(WorkflowSource source) {
        return members.get(0).backend.describe(source);
    }

    /**
     * The {@code /system_stats} of the first member that answers, in configured order, so that a liveness probe of
     * the pool passes while any server is up; fails with the last member's error when none answers.
     */
    public CompletableFuture<Map<String, Object>> systemStats() {
        CompletableFuture<Map<String, Object>> answer = members.get(0).api.systemStats();
        for (Member member : members.subList(1, members.size())) {
            answer = answer.exceptionallyCompose(e -> member.api.systemStats());
        }
        return answer;
    }

    private void queueSeen(Member member, int depth) {
        member.depthSeenNanos = clock.getAsLong();
        member.depthSeen = true;
        othersFrom(member, depth);
    }

    private void othersFrom(Member member, int depth) {
        int mine;
        synchronized (lock) {
            mine = member.inFlight;
        }
        member.othersQueued = Math.max(0, depth - mine);
    }

    /**
     * Reads the queue of each member whose depth did not come by itself within the last poll interval, so that
     * least-queue also counts other clients' work (the fallback when no {@code status} events arrive: HTTP polling).
     */
    private void pollQueues() {
        if (closed || clock.getAsLong() - lastDispatchNanos > ACTIVE.toNanos()) {
            return;
        }
        for (Member member : members) {
            boolean fresh = member.depthSeen && clock.getAsLong() - member.depthSeenNanos < QUEUE_POLL.toNanos();
            if (fresh || !member.health.allowsDispatch() || member.api == null
                    || !member.polling.compareAndSet(false, true)) {
                continue;
            }
            member.api.queueIds().whenComplete((queue, error) -> {
                member.polling.set(false);
                if (queue != null) {
                    othersFrom(member, queue.running().size() + queue.pending().size());
                }
            });
        }
    }

    @Override
    public void close() {
        closed = true;
        poller.cancel(false);
        List<Job> left;
        synchronized (lock) {
            left = new ArrayList<>(waiting);
            waiting.clear();
        }
        for (Job job : left) {
            job.fail(ExecutionError.of(ErrorKind.CANCELLED, "The ComfyKit client was closed while the prompt waited"
                    + " for a server of the pool."));
        }
        for (Member member : members) {
            member.backend.close();
        }
    }


    private static <K, V> Map<K, V> bounded() {
        return Collections.synchronizedMap(new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > REMEMBERED_IDS;
            }
        });
    }
}
