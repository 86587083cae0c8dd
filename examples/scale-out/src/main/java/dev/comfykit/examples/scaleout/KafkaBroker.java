package dev.comfykit.examples.scaleout;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A single-node KRaft Kafka broker (broker and controller in one) run as its own process from the Kafka jars on the
 * class path ({@code kafka_2.13}): a generated {@code server.properties}, the storage formatted with Kafka's storage
 * tool, then {@code kafka.Kafka}. Killing an application JVM never touches it.
 */
public final class KafkaBroker implements AutoCloseable {

    private final JavaProcess process;
    private final String bootstrap;

    private KafkaBroker(JavaProcess process, String bootstrap) {
        this.process = process;
        this.bootstrap = bootstrap;
    }

    /** Formats {@code dir/data} and starts the broker on free local ports. */
    public static KafkaBroker start(Path dir) throws IOException, InterruptedException {
        int port = freePort();
        int controllerPort = freePort();
        Path properties = dir.resolve("server.properties");
        Files.createDirectories(dir);
        Files.writeString(properties, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("data").toAbsolutePath(),
                "num.partitions=4",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=false",
                "") );
        List<String> jvm = List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
        JavaProcess format = JavaProcess.start("kafka-storage", dir.resolve("format.log"), jvm,
                "kafka.tools.StorageTool", List.of("format", "-t", Uuid.randomUuid().toString(), "-c",
                        properties.toString()));
        int exit = format.waitFor(Duration.ofMinutes(2));
        if (exit != 0) {
            throw new IOException("Formatting the Kafka storage failed (exit " + exit + "); see " + format.log());
        }
        JavaProcess broker = JavaProcess.start("kafka", dir.resolve("broker.log"), jvm, "kafka.Kafka",
                List.of(properties.toString()));
        KafkaBroker started = new KafkaBroker(broker, "127.0.0.1:" + port);
        try {
            broker.await(Pattern.compile("Kafka Server started"), Duration.ofMinutes(2));
        } catch (IOException | InterruptedException e) {
            broker.close();
            throw e;
        }
        return started;
    }

    /** The {@code bootstrap.servers} value. */
    public String bootstrap() {
        return bootstrap;
    }

    /** Creates a topic (replication 1). */
    public void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.close();
    }
}
