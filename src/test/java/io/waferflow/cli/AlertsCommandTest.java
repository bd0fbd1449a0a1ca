package io.waferflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.alerts.Alert;
import io.waferflow.alerts.AlertSeverity;
import io.waferflow.alerts.TestAlerts;
import io.waferflow.model.AlertJson;
import io.waferflow.testing.LocalServices;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code alerts tail} against a real Kafka topic written in transactions: committed notifications are printed, an
 * aborted one never is; --severity and --since (duration and instant) filter; --follow picks up new notifications. The
 * expected sets are read off the test's own list of what it produced.
 */
@Timeout(120)
class AlertsCommandTest {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices();

    private static final String TOPIC = "alerts-tail";
    /** The command's "now"; message timestamps are set relative to it. */
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    private record Produced(String id, AlertSeverity severity, Instant timestamp, int partition) {}

    /** Committed, in this order. */
    private static final List<Produced> COMMITTED = List.of(
            new Produced("old-p0", AlertSeverity.P0, NOW.minus(Duration.ofHours(3)), 0),
            new Produced("recent-p1", AlertSeverity.P1, NOW.minus(Duration.ofMinutes(30)), 0),
            new Produced("recent-p2", AlertSeverity.P2, NOW.minus(Duration.ofMinutes(29)), 1),
            new Produced("recent-p3", AlertSeverity.P3, NOW.minus(Duration.ofMinutes(28)), 1),
            new Produced("recent-p0", AlertSeverity.P0, NOW.minus(Duration.ofMinutes(27)), 1));

    @TempDir
    Path tmp;

    @BeforeAll
    static void produce() throws Exception {
        SERVICES.kafka().createTopic(TOPIC, 2);
        // A message that is not an alert (written without a transaction): reported and skipped.
        SERVICES.produce(TOPIC, List.of("not json".getBytes(StandardCharsets.UTF_8)), i -> 0);
        try (KafkaProducer<byte[], byte[]> producer = transactional("alerts-tail-test")) {
            producer.initTransactions();
            producer.beginTransaction();
            for (Produced p : COMMITTED) {
                producer.send(record(p));
            }
            producer.commitTransaction();
            // Aborted last, on both partitions: the partitions then end with an abort marker, which the command must
            // read past without printing anything.
            producer.beginTransaction();
            producer.send(record(new Produced("aborted-p0", AlertSeverity.P0, NOW.minus(Duration.ofMinutes(10)), 0)));
            producer.send(record(new Produced("aborted-p0", AlertSeverity.P0, NOW.minus(Duration.ofMinutes(10)), 1)));
            producer.flush();
            producer.abortTransaction();
        }
    }

    @Test
    void printsEveryCommittedNotificationAndNoAbortedOne() {
        Run run = run("tail", "--bootstrap", bootstrap(), "--topic", TOPIC);

        assertThat(run.code).isZero();
        for (Produced p : COMMITTED) {
            assertThat(run.out).contains(p.severity + " FIRING  title " + p.id);
        }
        assertThat(run.out).doesNotContain("aborted");
        assertThat(run.out).contains("-- 5 notifications on " + TOPIC + " (1 unreadable)");
        assertThat(run.err).contains("skipped partition 0 offset 0: not an alert");
    }

    @Test
    void textBlockShowsSubjectNumbersEpisodeAndRunbook() {
        Run run = run("tail", "--bootstrap", bootstrap(), "--topic", TOPIC, "--severity", "P1", "--since", "1 h");

        String block = run.out.substring(run.out.indexOf("P1 FIRING  title recent-p1"));
        block = block.substring(0, block.indexOf("\n\n"));
        assertThat(block)
                .contains(
                        "  subject:      vdd  (drift, key drift:vdd)",
                        "  PSI:          0.31",
                        "  shift:        +2.50 σ",
                        "  first seen:   2026-11-27T10:00:00Z",
                        "  occurrences:  3",
                        "  runbook:      docs/runbooks/drift.md",
                        "  notified:     " + NOW.minus(Duration.ofMinutes(30)) + "  (notification recent-p1)");
    }

    @Test
    void severityAndSinceDurationFilter() {
        Run run = run("tail", "--bootstrap", bootstrap(), "--topic", TOPIC, "--severity", "P1", "--since", "1 h");

        assertThat(run.code).isZero();
        assertThat(printedIds(run.out))
                .containsExactlyInAnyOrderElementsOf(expected(AlertSeverity.P1, NOW.minus(Duration.ofHours(1))));
        assertThat(printedIds(run.out)).containsExactlyInAnyOrder("recent-p1", "recent-p0");
    }

    @Test
    void sinceAnInstantAsJsonLines() throws Exception {
        Instant since = NOW.minus(Duration.ofMinutes(29));
        Run run = run(
                "tail", "--bootstrap", bootstrap(), "--topic", TOPIC, "--since", since.toString(), "--format", "json");

        List<String> ids = new ArrayList<>();
        for (String line : run.out.strip().split("\n")) {
            ids.add(AlertJson.fromJson(line.getBytes(StandardCharsets.UTF_8)).notificationId);
        }
        assertThat(ids)
                .containsExactlyInAnyOrderElementsOf(expected(AlertSeverity.P3, since))
                .containsExactlyInAnyOrder("recent-p2", "recent-p3", "recent-p0");
    }

    @Test
    void bootstrapAndTopicComeFromTheConfigFile() throws Exception {
        Path config = tmp.resolve("job.yaml");
        Files.writeString(
                config,
                "kafka:\n  bootstrap_servers: " + bootstrap() + "\nalerts:\n  sinks:\n" + "    kafka_topic: " + TOPIC
                        + "\n");

        Run run = run("tail", "--config", config.toString(), "--severity", "P0");

        assertThat(run.code).isZero();
        assertThat(printedIds(run.out)).containsExactlyInAnyOrder("old-p0", "recent-p0");
    }

    @Test
    void followPrintsNotificationsCommittedLater() throws Exception {
        String topic = "alerts-follow";
        SERVICES.kafka().createTopic(topic, 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AlertsCommand command = new AlertsCommand(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                Clock.fixed(NOW, ZoneOffset.UTC));
        CompletableFuture<Integer> running = CompletableFuture.supplyAsync(() -> {
            try {
                return command.run(new String[] {"tail", "--bootstrap", bootstrap(), "--topic", topic, "--follow"});
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        try (KafkaProducer<byte[], byte[]> producer = transactional("alerts-follow-test")) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(
                    topic, AlertJson.toJson(alert(new Produced("later-p1", AlertSeverity.P1, NOW, 0)))));
            producer.commitTransaction();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!out.toString(StandardCharsets.UTF_8).contains("title later-p1") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        command.stop();

        assertThat(running.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("P1 FIRING  title later-p1");
    }

    @Test
    void badOptionsAndAMissingTopicExitWith2AndSayWhy() {
        assertThat(run("list").err).contains("'list'").contains("alerts tail");
        Run severity = run("tail", "--bootstrap", bootstrap(), "--severity", "P7");
        assertThat(severity.code).isEqualTo(2);
        assertThat(severity.err).contains("--severity").contains("P0, P1, P2 or P3");
        Run since = run("tail", "--bootstrap", bootstrap(), "--since", "yesterday");
        assertThat(since.code).isEqualTo(2);
        assertThat(since.err).contains("--since").contains("neither an ISO-8601 instant nor a duration");
        Run missing = run("tail", "--bootstrap", bootstrap(), "--topic", "no-such-topic");
        assertThat(missing.code).isEqualTo(2);
        assertThat(missing.err).contains("topic 'no-such-topic' does not exist on " + bootstrap());
    }

    /** The notification ids that a filter must let through, from the list of what was produced. */
    private static List<String> expected(AlertSeverity worstAllowed, Instant since) {
        return COMMITTED.stream()
                .filter(p -> p.severity.compareTo(worstAllowed) <= 0)
                .filter(p -> !p.timestamp.isBefore(since))
                .map(Produced::id)
                .toList();
    }

    private static List<String> printedIds(String out) {
        List<String> ids = new ArrayList<>();
        for (String line : out.split("\n")) {
            int at = line.indexOf("FIRING  title ");
            if (at >= 0) {
                ids.add(line.substring(at + "FIRING  title ".length()).trim());
            }
        }
        return ids;
    }

    private record Run(int code, String out, String err) {}

    private static Run run(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AlertsCommand command = new AlertsCommand(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Clock.fixed(NOW, ZoneOffset.UTC));
        int code;
        try {
            code = command.run(argv);
        } catch (Exception e) {
            throw new AssertionError("the command threw instead of reporting", e);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String bootstrap() {
        return SERVICES.kafka().bootstrapServers();
    }

    private static Alert alert(Produced p) {
        Alert a = TestAlerts.drift(p.id, p.severity);
        a.title = "title " + p.id;
        return a;
    }

    private static ProducerRecord<byte[], byte[]> record(Produced p) {
        Alert a = alert(p);
        return new ProducerRecord<>(
                TOPIC,
                p.partition,
                p.timestamp.toEpochMilli(),
                a.key.getBytes(StandardCharsets.UTF_8),
                AlertJson.toJson(a));
    }

    private static KafkaProducer<byte[], byte[]> transactional(String transactionalId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "60000");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
