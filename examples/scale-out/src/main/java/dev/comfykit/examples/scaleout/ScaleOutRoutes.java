package dev.comfykit.examples.scaleout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfykit.camel.ComfyKitConstants;
import dev.comfykit.camel.ComfyKitValidationException;
import dev.comfykit.client.ExecuteResult;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;

import java.util.Map;

/**
 * The two routes of a scale-out instance.
 * <ol>
 * <li><b>Requests</b>: a Kafka record (key = the request's id, value = the workflow params as JSON) becomes a durable
 * job named {@code kafka-<key>} with {@code operation=submit}, which records the job in PostgreSQL and queues its
 * prompt, and returns at once. Only then is the record's offset committed (manual commit). A record delivered again
 * (the instance died before the commit, or a rebalance) carries the same key, so {@code submit} finds the recorded
 * job and returns it instead of running it twice.</li>
 * <li><b>Results</b>: {@code from("comfykit:jobs")} receives every finished job, whichever instance started or
 * finished it, and inserts it into the results table with {@code ON CONFLICT (job_id) DO NOTHING}: a job delivered
 * again (an instance died between the insert and the store's delivered mark) is not written twice.</li>
 * </ol>
 */
public final class ScaleOutRoutes extends RouteBuilder {

    /** The correlation header stored with each job: the instance that took the request. */
    public static final String STARTED_BY = "ScaleOutStartedBy";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String instance;
    private final String brokers;
    private final String topic;
    private final String group;
    private final String schema;

    public ScaleOutRoutes(String instance, String brokers, String topic, String group, String schema) {
        this.instance = instance;
        this.brokers = brokers;
        this.topic = topic;
        this.group = group;
        this.schema = schema;
    }

    private static void commit(Exchange exchange) {
        exchange.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class).commit();
    }

    @Override
    public void configure() {
        // breakOnFirstError: a record whose job could not be recorded (store or server down) is not committed; the
        // consumer seeks back to it and polls it again, instead of committing later records past it
        from("kafka:" + topic + "?brokers=" + brokers + "&groupId=" + group
                + "&autoOffsetReset=earliest&autoCommitEnable=false&allowManualCommit=true&breakOnFirstError=true"
                + "&maxPollRecords=20&sessionTimeoutMs=10000&heartbeatIntervalMs=2000")
                .routeId("requests")
                // a request that can never become a job (no key, params that are not JSON or that the workflow
                // rejects) is logged and skipped: its offset is committed so that it does not block its partition.
                // Anything else (store or servers down) fails the exchange: not committed, polled again.
                .onException(IllegalArgumentException.class, JsonProcessingException.class,
                        ComfyKitValidationException.class)
                    .handled(true)
                    .log(LoggingLevel.ERROR, "Skipped the job request at partition ${header.kafka.PARTITION} offset"
                            + " ${header.kafka.OFFSET}: ${exception.message}")
                    .process(ScaleOutRoutes::commit)
                .end()
                .process(exchange -> {
                    String key = exchange.getMessage().getHeader(KafkaConstants.KEY, String.class);
                    if (key == null || key.isBlank() || key.length() > 200) {
                        throw new IllegalArgumentException("A job request needs a Kafka key of 1 to 200 characters"
                                + " (the job id is derived from it); got " + (key == null ? "none" : key.length()
                                + " characters"));
                    }
                    exchange.getMessage().setHeader(ComfyKitConstants.JOB_ID, "kafka-" + key);
                    exchange.getMessage().setHeader(STARTED_BY, instance);
                    exchange.getMessage().setHeader(ComfyKitConstants.PARAMS,
                            JSON.readValue(exchange.getMessage().getBody(String.class), Map.class));
                })
                .to("comfykit:classpath:workflows/scale-out.json?operation=submit")
                .to("sql:INSERT INTO " + schema + ".requests (job_id, taken_by)"
                        + " VALUES (:#${header.CamelComfyKitJobId}, :#${header." + STARTED_BY + "})"
                        + "?dataSource=#dataSource")
                // the job is recorded: now the offset may be committed
                .process(ScaleOutRoutes::commit);

        from("comfykit:jobs")
                .routeId("results")
                .process(exchange -> {
                    ExecuteResult result = exchange.getMessage().getBody(ExecuteResult.class);
                    exchange.getMessage().setHeader("resultJson", result == null ? null : result.toJson());
                    exchange.getMessage().setHeader("jobState",
                            String.valueOf(exchange.getMessage().getHeader(ComfyKitConstants.JOB_STATE)));
                    exchange.getMessage().setHeader("finishedBy", instance);
                })
                .to("sql:INSERT INTO " + schema + ".results (job_id, state, result, started_by, finished_by)"
                        + " VALUES (:#${header.CamelComfyKitJobId}, :#${header.jobState}, :#${header.resultJson},"
                        + " :#${header." + STARTED_BY + "}, :#${header.finishedBy}) ON CONFLICT (job_id) DO NOTHING"
                        + "?dataSource=#dataSource")
                .to("sql:INSERT INTO " + schema + ".deliveries (job_id, finished_by, inserted)"
                        + " VALUES (:#${header.CamelComfyKitJobId}, :#${header.finishedBy},"
                        + " :#${header.CamelSqlUpdateCount})?dataSource=#dataSource")
                .log("${header.CamelComfyKitJobId} ${header.jobState} written by " + instance);
    }
}
