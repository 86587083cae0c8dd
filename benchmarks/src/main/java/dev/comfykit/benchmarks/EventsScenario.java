package dev.comfykit.benchmarks;

import dev.comfykit.camel.ComfyKitComponent;
import dev.comfykit.camel.ComfyKitConstants;
import dev.comfykit.camel.ComfyKitEventsConsumer;
import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutorType;
import dev.comfykit.client.ServerSpec;
import dev.comfykit.client.events.ComfyEvent;
import dev.comfykit.client.events.EventSubscription;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code events}: N emulator processes whose KSampler sends a progress event (and a preview) every {@code stepMs}
 * (20 steps of 50 ms: 20 progress events and 20 previews per second per server), one job at a time on each; one pool
 * client runs the jobs and a Camel route {@code from("comfykit:events?types=progress,preview,success,error")}
 * consumes every event. Measures whether the consumer keeps up: events and previews per second, the delay from
 * receipt on the socket to the route, drops (previews and others), and for every finished job whether all 20 of its
 * sampler steps and its success reached the route.
 */
final class EventsScenario {

    private static final int STEPS = 20;

    private final Options options;
    private final PrintStream out;
    private final Report report;

    EventsScenario(Options options, PrintStream out, Report report) {
        this.options = options;
        this.out = out;
        this.report = report;
    }

    void run() throws Exception {
        int servers = options.eventsServers();
        int stepMs = options.eventsStepMs();
        int jobs = options.poolJobs(servers * 20);
        out.printf(Locale.ROOT, "%n== events: %d emulators, KSampler %d steps of %d ms with a preview each (%.0f progress"
                        + " events/s per server), %d jobs, one in flight per server, websocket ==%n", servers, STEPS,
                stepMs, 1000.0 / stepMs, jobs);
        List<PoolMember> members = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            for (int i = 0; i < servers; i++) {
                members.add(PoolMember.startPaced(i, stepMs, 1, options.emulatorJvmArgs, Path.of("target")));
            }
            out.printf(Locale.ROOT, "started %d emulator processes in %.1f s%n", servers, (System.nanoTime() - t0) / 1e9);
            report.addPool("events", measure(members, jobs, stepMs));
        } finally {
            members.forEach(PoolMember::close);
        }
    }

    private Map<String, Object> measure(List<PoolMember> members, int jobs, int stepMs) throws Exception {
        List<ServerSpec> specs = members.stream().map(m -> ServerSpec.of(m.url()).withName(m.name())
                .withMaxInFlight(1)).toList();
        LongAdder progress = new LongAdder();
        LongAdder previews = new LongAdder();
        LongAdder missed = new LongAdder();
        LongAdder outcomes = new LongAdder();
        AtomicLong maxLagMicros = new AtomicLong();
        LatencyRecorder lag = new LatencyRecorder(2_000_000);
        Map<String, Set<Double>> stepsSeen = new ConcurrentHashMap<>();
        Set<String> succeeded = ConcurrentHashMap.newKeySet();
        try (ComfyKit kit = ComfyKit.builder().environment(name -> null).servers(specs)
                .executorType(ExecutorType.WEBSOCKET).timeout(options.timeout).build();
             DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.getComponent("comfykit", ComfyKitComponent.class).getConfiguration().setComfyKit(kit);
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("comfykit:events?types=progress,preview,success,error").routeId("events").process(exchange -> {
                        ComfyEvent event = exchange.getMessage().getBody(ComfyEvent.class);
                        long micros = Duration.between(event.receivedAt(), Instant.now()).toNanos() / 1000;
                        lag.record(micros * 1000);
                        maxLagMicros.accumulateAndGet(micros, Math::max);
                        if (event instanceof ComfyEvent.Progress p) {
                            progress.increment();
                            if ("3".equals(p.node()) && p.max() == STEPS) {
                                stepsSeen.computeIfAbsent(p.promptId(), id -> ConcurrentHashMap.newKeySet())
                                        .add(p.value());
                            }
                        } else if (event instanceof ComfyEvent.Preview) {
                            previews.increment();
                        } else if (event instanceof ComfyEvent.EventsMissed) {
                            missed.increment();
                        } else {
                            outcomes.increment();
                            if (event instanceof ComfyEvent.ExecutionSucceeded) {
                                succeeded.add(event.promptId());
                            }
                        }
                        exchange.getMessage().removeHeader(ComfyKitConstants.NODE);
                    });
                }
            });
            camel.start();
            Semaphore inFlight = new Semaphore(members.size());
            List<CompletableFuture<ExecuteResult>> runs = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < jobs; i++) {
                inFlight.acquire();
                CompletableFuture<ExecuteResult> run = kit.execute("classpath:workflows/t2i.json",
                        Map.of("prompt", "events " + i, "width", 64, "height", 64));
                run.whenComplete((r, e) -> inFlight.release());
                runs.add(run);
            }
            List<ExecuteResult> results = runs.stream().map(CompletableFuture::join).toList();
            long completedIds = results.stream().filter(ExecuteResult::isCompleted).count();
            // the last events are on their way to the route when the last result is in
            long waitUntil = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < waitUntil && !results.stream().filter(ExecuteResult::isCompleted)
                    .allMatch(r -> succeeded.contains(r.getPromptId()))) {
                Thread.sleep(20);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            LatencyRecorder.Snapshot delays = lag.snapshot();
            EventSubscription subscription = ((ComfyKitEventsConsumer) camel.getRoute("events").getConsumer())
                    .getSubscription();
            long dropped = subscription.dropped();
            long droppedPreviews = subscription.droppedPreviews();
            long incompleteJobs = results.stream().filter(ExecuteResult::isCompleted)
                    .filter(r -> stepsSeen.getOrDefault(r.getPromptId(), Set.of()).size() != STEPS
                            || !succeeded.contains(r.getPromptId())).count();
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("servers", members.size());
            figures.put("stepMs", stepMs);
            figures.put("progressEventsPerSecondPerServerOffered", round(1000.0 / stepMs));
            figures.put("jobs", jobs);
            figures.put("jobsCompleted", completedIds);
            figures.put("seconds", round(seconds));
            figures.put("progressEvents", progress.sum());
            figures.put("progressEventsPerSecond", round(progress.sum() / seconds));
            figures.put("previews", previews.sum());
            figures.put("previewsPerSecond", round(previews.sum() / seconds));
            figures.put("outcomes", outcomes.sum());
            figures.put("missedMarkers", missed.sum());
            figures.put("droppedPreviews", droppedPreviews);
            figures.put("droppedOther", dropped - droppedPreviews);
            figures.put("jobsMissingAStepOrTheirSuccess", incompleteJobs);
            figures.put("lagP50Ms", round(delays.percentileMillis(50)));
            figures.put("lagP99Ms", round(delays.percentileMillis(99)));
            figures.put("lagMaxMs", round(maxLagMicros.get() / 1e3));
            // the rate the consumer was really offered: progress events per second per server over the whole run
            // (sampler steps and the other nodes' start and end, between jobs too); a loaded machine slows the
            // emulators down, and then the target rate was not offered
            double offered = progress.sum() / seconds / members.size();
            double steps = (double) completedIds * STEPS / seconds / members.size();
            figures.put("progressEventsPerSecondPerServerAchieved", round(offered));
            figures.put("samplerStepsPerSecondPerServerAchieved", round(steps));
            boolean rateReached = offered >= 0.9 * 1000.0 / stepMs;
            boolean kept = completedIds == jobs && dropped - droppedPreviews == 0 && incompleteJobs == 0
                    && missed.sum() == 0;
            figures.put("keptUp", kept);
            figures.put("rateReached", rateReached);
            boolean met = kept && rateReached;
            figures.put("met", met);
            out.printf(Locale.ROOT, "%d/%d jobs in %.1f s: %d progress events (%.0f/s), %d previews (%.0f/s), %d outcomes;"
                            + " dropped %d previews and %d other events; %d jobs missing a step or their success;"
                            + " socket-to-route delay p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    completedIds, jobs, seconds, progress.sum(), progress.sum() / seconds, previews.sum(),
                    previews.sum() / seconds, outcomes.sum(), droppedPreviews, dropped - droppedPreviews,
                    incompleteJobs, delays.percentileMillis(50), delays.percentileMillis(99), maxLagMicros.get() / 1e3);
            out.printf(Locale.ROOT, "servers' pace: %.1f progress events/s per server (%.1f of them sampler steps;"
                    + " target %.1f)%n", offered, steps, 1000.0 / stepMs);
            out.println(met ? "target met: the consumer kept up at the target rate, no non-preview event dropped"
                    : kept ? "the consumer kept up (no non-preview event dropped), but the servers did not reach the"
                    + " offered rate (a loaded machine?): TARGET NOT MEASURED" : "TARGET NOT MET (see the figures above)");
            return figures;
        }
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
