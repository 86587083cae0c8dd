package dev.comfykit.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfykit.camel.ComfyKitComponent;
import dev.comfykit.camel.ComfyKitConstants;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.jobs.JobStore;
import dev.comfykit.jobstore.jdbc.JdbcJobStore;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;

/**
 * The Camel application of the restart-chaos scenario, run as its own process (and killed): a file inbox of job
 * requests ({@code <jobId>.json}, the params), each run as a durable job named after its file on an embedded H2 job
 * store, the result written to {@code results/<jobId>.json} and every delivery to the route logged in
 * {@code deliveries.log} ({@code jobId,written|again,reattached|-,status}). The sink is idempotent by job id (the
 * result file is the record): an input read again after its result was written is logged {@code again} and not
 * written twice, as a route does with Camel's idempotent consumer on the job id header.
 * <p>
 * The inbox is the durable input: a file is deleted only when its route completed, so after a kill every unfinished
 * job's file is read again and, having the same job id, joins its recorded job instead of running it twice.
 * <p>
 * Arguments: {@code INBOX RESULTS STORE_FILE SERVERS LEASE_MS}.
 */
public final class RestartChaosApp {

    private RestartChaosApp() {
    }

    public static void main(String[] args) throws Exception {
        Path inbox = Path.of(args[0]);
        Path results = Path.of(args[1]);
        Path storeFile = Path.of(args[2]);
        String servers = args[3];
        long leaseMillis = Long.parseLong(args[4]);
        Instant started = Instant.now();
        Files.createDirectories(results);
        JobStore store = JdbcJobStore.h2File(storeFile);
        ObjectMapper json = new ObjectMapper();
        Path deliveries = results.resolve("deliveries.log");
        Object sinkLock = new Object();

        CamelContext context = new DefaultCamelContext();
        ComfyKitComponent component = new ComfyKitComponent();
        component.getConfiguration().setServers(servers);
        component.getConfiguration().setJobStore(store);
        component.getConfiguration().setLeaseDuration(leaseMillis);
        component.getConfiguration().setTimeout(300_000);
        component.getConfiguration().setExecutorType(dev.comfykit.client.ExecutorType.WEBSOCKET);
        context.addComponent("comfykit", component);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // every file at once (the producer is asynchronous); deleted only once its route completed
                from("file:" + inbox + "?delete=true&maxMessagesPerPoll=0&delay=200&include=.*\\.json")
                        .process(exchange -> {
                            String name = exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
                            exchange.getMessage().setHeader(ComfyKitConstants.JOB_ID,
                                    name.substring(0, name.length() - ".json".length()));
                            exchange.getMessage().setHeader(ComfyKitConstants.PARAMS, json.readValue(
                                    exchange.getMessage().getBody(byte[].class), Map.class));
                        })
                        .to("comfykit:classpath:bench/chaos.json?throwExceptionOnFailure=false")
                        .process(exchange -> {
                            String jobId = exchange.getMessage().getHeader(ComfyKitConstants.JOB_ID, String.class);
                            ExecuteResult result = exchange.getMessage().getBody(ExecuteResult.class);
                            boolean reattached = store.find(jobId).map(job -> job.createdAt().isBefore(started))
                                    .orElse(false);
                            synchronized (sinkLock) {
                                Path target = results.resolve(jobId + ".json");
                                boolean fresh = !Files.exists(target);
                                if (fresh) {
                                    Path temp = results.resolve(jobId + ".tmp");
                                    Files.writeString(temp, result.toJson());
                                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                                }
                                append(deliveries, jobId + "," + (fresh ? "written" : "again") + ","
                                        + (reattached ? "reattached" : "-") + "," + result.getStatus() + "\n");
                            }
                        });
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                context.stop();
            } finally {
                store.close();
            }
        }));
        context.start();
        System.out.println("restart-chaos app started");
        Thread.currentThread().join();
    }

    private static void append(Path log, String line) throws IOException {
        Files.writeString(log, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.SYNC);
    }
}
