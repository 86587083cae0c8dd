package dev.comfykit.camel;

import dev.comfykit.client.jobs.CrashableJobStore;
import dev.comfykit.client.jobs.JobRecord;
import dev.comfykit.client.jobs.JobState;
import dev.comfykit.client.jobs.JobStore;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import dev.comfykit.jobstore.jdbc.JdbcJobStore;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two Camel applications on one job store: A runs jobs and dies (its store calls fail from then on: no lease
 * renewals, no cancel, no release), B claims A's expired leases, finishes the jobs and delivers each exactly once
 * through {@code from("comfykit:jobs")}. On PostgreSQL when it answers ({@code COMFYKIT_TEST_JDBC_URL}, default
 * {@code jdbc:postgresql://127.0.0.1:5432/test}, user postgres), else on an embedded H2 file.
 */
class DurableJobsTwoContextsTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ofMillis(10)));

    private static final int JOBS = 4;
    private static final String WORKFLOW = "comfykit:classpath:workflows/t2i.json?param.width=64&param.height=64"
            + "&param.prompt=a cat&correlationHeaders=orderId";

    @TempDir
    Path dir;

    private final List<AutoCloseable> closeLater = new ArrayList<>();
    private String schema;

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable closeable : closeLater) {
            closeable.close();
        }
        if (schema != null) {
            try (Connection connection = postgres().getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    @Test
    void theJobsOfAContextThatDiedAreFinishedAndDeliveredOnceByAnother() throws Exception {
        JobStore[] stores = stores();
        CrashableJobStore storeOfA = new CrashableJobStore(stores[0]);
        JobStore storeOfB = stores[1];

        CamelContext a = context(storeOfA);
        a.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:generate").setHeader(ComfyKitConstants.JOB_ID, simple("${header.orderId}-job"))
                        .to(WORKFLOW);
            }
        });
        a.getShutdownStrategy().setTimeout(1);
        a.start();
        comfy.faults().stallExecution();
        ProducerTemplate template = a.createProducerTemplate();
        List<CompletableFuture<Object>> inFlight = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            inFlight.add(template.asyncRequestBodyAndHeader("direct:generate", "", "orderId", "order" + i));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> comfy.emulator().queueRemaining() == JOBS);
        await().atMost(Duration.ofSeconds(20)).until(() -> stores[0].listByState(EnumSet.of(JobState.QUEUED, JobState.RUNNING), 10)
                .size() == JOBS);
        // (the first prompt runs, stalled: RUNNING; the others wait in the queue: QUEUED)
        // A dies: from now on it can neither renew, release nor record anything
        storeOfA.crash();
        a.stop();
        assertThat(comfy.emulator().queueRemaining()).as("a dead instance cancels nothing").isEqualTo(JOBS);
        storeOfB.start();
        assertThat(storeOfB.listByState(EnumSet.of(JobState.QUEUED, JobState.RUNNING), 10)).as("A recorded nothing more").hasSize(JOBS);
        comfy.faults().releaseStall();

        CamelContext b = context(storeOfB);
        List<Exchange> delivered = new CopyOnWriteArrayList<>();
        b.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("comfykit:jobs?jobsPollInterval=100")
                        .idempotentConsumer(header(ComfyKitConstants.JOB_ID),
                                MemoryIdempotentRepository.memoryIdempotentRepository(100))
                        .process(delivered::add).to("mock:delivered");
            }
        });
        b.start();

        await().atMost(Duration.ofSeconds(30)).until(() -> delivered.size() >= JOBS);
        // two more leases: a delivery that was not marked would come again
        Thread.sleep(2500);
        assertThat(delivered).hasSize(JOBS);
        assertThat(b.getEndpoint("mock:delivered", MockEndpoint.class).getReceivedCounter()).isEqualTo(JOBS);
        List<String> orders = new ArrayList<>();
        for (Exchange exchange : delivered) {
            String jobId = exchange.getMessage().getHeader(ComfyKitConstants.JOB_ID, String.class);
            String order = exchange.getMessage().getHeader("orderId", String.class);
            orders.add(order);
            assertThat(jobId).isEqualTo(order + "-job");
            assertThat(exchange.getMessage().getHeader(ComfyKitConstants.JOB_STATE)).isEqualTo(JobState.SUCCEEDED);
            assertThat(exchange.getMessage().getHeader(ComfyKitConstants.PROMPT_ID, String.class)).isNotBlank();
            assertThat(exchange.getMessage().getBody(ExecuteResult.class).getImages()).hasSize(1);
            JobRecord job = storeOfB.find(jobId).orElseThrow();
            assertThat(job.isDelivered()).isTrue();
            assertThat(job.attempts()).as("the prompt ran once, where A sent it").isEqualTo(1);
        }
        assertThat(orders).containsExactlyInAnyOrder("order0", "order1", "order2", "order3");
        b.stop();
    }

    @Test
    void aSubmittedJobIsDeliveredByTheJobsConsumerAndAwaitableById() throws Exception {
        JobStore store = stores()[0];
        CamelContext context = context(store);
        List<Exchange> delivered = new CopyOnWriteArrayList<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:submit").to(WORKFLOW + "&operation=submit");
                from("direct:await").to("comfykit:await");
                from("comfykit:jobs?jobsPollInterval=100").process(delivered::add);
            }
        });
        context.start();
        ProducerTemplate template = context.createProducerTemplate();

        Exchange submitted = template.request("direct:submit", e -> e.getMessage().setHeader("orderId", "o-7"));
        String jobId = submitted.getMessage().getHeader(ComfyKitConstants.JOB_ID, String.class);
        assertThat(jobId).isNotBlank();

        await().atMost(Duration.ofSeconds(20)).until(() -> delivered.size() == 1);
        assertThat(delivered.get(0).getMessage().getHeader(ComfyKitConstants.JOB_ID)).isEqualTo(jobId);
        assertThat(delivered.get(0).getMessage().getHeader("orderId")).isEqualTo("o-7");
        Exchange awaited = template.request("direct:await", e -> e.getMessage()
                .setHeader(ComfyKitConstants.JOB_ID, jobId));
        assertThat(awaited.getMessage().getBody(ExecuteResult.class).isCompleted()).isTrue();
        context.stop();
    }

    private CamelContext context(JobStore store) {
        CamelContext context = new DefaultCamelContext();
        context.getRegistry().bind("jobStore", store);
        ComfyKitComponent component = new ComfyKitComponent();
        component.getConfiguration().setComfyuiUrl(comfy.baseUrl());
        component.getConfiguration().setJobStore(store);
        component.getConfiguration().setLeaseDuration(1000);
        context.addComponent("comfykit", component);
        return context;
    }

    /** Two views of one store, as two JVMs have: PostgreSQL when it answers, else one H2 file (one JVM owns it). */
    private JobStore[] stores() throws Exception {
        if (PostgresAvailable.check()) {
            schema = "cktest_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12)
                    .toLowerCase(Locale.ROOT);
            JobStore one = JdbcJobStore.builder(postgres()).schema(schema).build();
            JobStore two = JdbcJobStore.builder(postgres()).schema(schema).build();
            closeLater.add(one);
            closeLater.add(two);
            return new JobStore[]{one, two};
        }
        JdbcJobStore h2 = JdbcJobStore.h2File(dir.resolve("jobs"));
        closeLater.add(h2);
        return new JobStore[]{h2, h2};
    }

    private static PGSimpleDataSource postgres() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(PostgresAvailable.url());
        if (!PostgresAvailable.url().contains("user=")) {
            dataSource.setUser("postgres");
        }
        return dataSource;
    }

    /** Whether the test PostgreSQL answers; prints one line when it does not. */
    static final class PostgresAvailable {
        private static Boolean available;

        static String url() {
            String url = System.getProperty("COMFYKIT_TEST_JDBC_URL", System.getenv("COMFYKIT_TEST_JDBC_URL"));
            return url == null || url.isBlank() ? "jdbc:postgresql://127.0.0.1:5432/test" : url;
        }

        static synchronized boolean check() {
            if (available == null) {
                try (Connection connection = postgres().getConnection()) {
                    available = connection.isValid(5);
                } catch (Exception e) {
                    available = false;
                    String ci = System.getProperty("COMFYKIT_CI", System.getenv("COMFYKIT_CI"));
                    if ("true".equalsIgnoreCase(ci)) {
                        throw new IllegalStateException("COMFYKIT_CI=true and no PostgreSQL at " + url() + ": "
                                + e.getMessage() + "; start PostgreSQL or set COMFYKIT_TEST_JDBC_URL", e);
                    }
                    System.out.println("DurableJobsTwoContextsTest: no PostgreSQL at " + url() + " ("
                            + e.getMessage() + "); running on an embedded H2 file instead");
                }
            }
            return available;
        }
    }
}
