package io.waferflow.cli;

import io.waferflow.alerts.Alert;
import io.waferflow.alerts.AlertSeverity;
import io.waferflow.config.ConfigException;
import io.waferflow.config.KafkaClientSettings;
import io.waferflow.config.RawConfig;
import io.waferflow.model.AlertFacts;
import io.waferflow.model.AlertJson;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.flink.util.TimeUtils;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code alerts tail}: prints the notifications on the alert topic, oldest first, as readable blocks or as their JSON.
 * Reads committed messages only (like any reader of the topic must: it is written in Kafka transactions), with no
 * consumer group (nothing is committed, any number of people can tail at once): every partition is assigned, and
 * positioned at the first message at or after {@code --since} (by message timestamp, which is the time the job wrote
 * the notification), else at the beginning. Without {@code --follow} it stops at the end offsets it saw at start.
 */
@CommandLine.Command(
        name = "alerts",
        synopsisSubcommandLabel = "COMMAND",
        description = "read alert notifications from the alert topic (alerts tail)")
public final class AlertsCommand implements Command {

    public static final String DEFAULT_TOPIC = "waferflow-alerts";
    /** Where the features job's alert topic is configured (empty there: the job writes no topic). */
    static final String TOPIC_KEY = "alerts.sinks.kafka_topic";

    static final String BOOTSTRAP_KEY = "kafka.bootstrap_servers";
    private static final Duration POLL = Duration.ofMillis(200);
    /** How long a metadata or offset request may wait for an unreachable broker before the command gives up. */
    private static final Duration API_TIMEOUT = Duration.ofSeconds(30);

    private final PrintStream out;
    private final PrintStream err;
    private final Clock clock;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean stopped;

    public AlertsCommand() {
        this(System.out, System.err, Clock.systemUTC());
    }

    public AlertsCommand(PrintStream out, PrintStream err, Clock clock) {
        this.out = out;
        this.err = err;
        this.clock = clock;
    }

    @Override
    public int run(String... argv) throws Exception {
        return CommandRunner.run(new CommandLine(this), out, err, argv);
    }

    /** The options of {@code tail}. */
    static final class TailOptions {

        @Option(
                names = "--bootstrap",
                paramLabel = "HOST:PORT",
                description = "Kafka brokers (default: " + BOOTSTRAP_KEY + " of the config file)")
        String bootstrap;

        @Option(
                names = "--topic",
                paramLabel = "TOPIC",
                description = "alert topic (default: " + TOPIC_KEY + " of the config file, else " + DEFAULT_TOPIC + ")")
        String topic;

        @Option(
                names = "--since",
                paramLabel = "WHEN",
                description = "only notifications written at or after WHEN: an"
                        + " ISO-8601 instant (2026-11-27T08:00:00Z, or with an offset) or a duration before now (\"1 "
                        + "h\","
                        + " \"30 min\", \"2 d\")")
        String since;

        @Option(
                names = "--severity",
                paramLabel = "SEVERITY",
                description = "P0, P1, P2 or P3: only this severity and worse (P1: P0 and P1)")
        String severity;

        @Option(names = "--follow", description = "keep reading new notifications until Ctrl-C")
        boolean follow;

        @Option(
                names = "--format",
                paramLabel = "FORMAT",
                description = "text (default: one block per notification)" + " or json (the message, one per line)")
        String format = "text";

        @Mixin
        ConfigOptions configOptions;
    }

    @CommandLine.Command(
            name = "tail",
            description = {
                "print the notifications on the alert topic",
                "",
                "Prints the alert notifications on the alert topic, oldest first (per partition), reading committed"
                        + " messages only and joining no consumer group. Stops at the end of the topic as it was at"
                        + " start, or with --follow keeps printing new notifications until Ctrl-C. The defaults of"
                        + " --bootstrap and --topic come from the job configuration (" + ConfigOptions.DEFAULT_FILE
                        + " unless --config names one; without it, from the options alone)."
            })
    int tail(@Mixin TailOptions options) {
        try {
            return tailChecked(options);
        } catch (ConfigException e) {
            err.println("waferflow alerts: " + e.getMessage());
            return 2;
        }
    }

    /** Stops a running {@code tail} (from another thread: a shutdown hook, a test). */
    public void stop() {
        stopped = true;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    private int tailChecked(TailOptions options) {
        RawConfig config = config(options.configOptions);
        String bootstrap = Optional.ofNullable(options.bootstrap)
                .or(() -> config == null ? Optional.empty() : config.optional(BOOTSTRAP_KEY))
                .orElseThrow(() -> new ConfigException(
                        "--bootstrap",
                        "is not given and no configuration file names " + BOOTSTRAP_KEY,
                        "pass --bootstrap HOST:PORT or --config with the job's configuration"));
        String topic = options.topic != null ? options.topic : configuredTopic(config);
        Instant since = options.since == null ? null : since(options.since);
        AlertSeverity worstAllowed = severity(options.severity);
        String format = options.format;
        if (!format.equals("text") && !format.equals("json")) {
            throw new ConfigException("--format", "'" + format + "' is not a format", "use text or json");
        }
        boolean follow = options.follow;

        // The job's kafka.properties.* (security) apply to the tail's consumer too, whichever brokers it reads.
        Properties p = config == null
                ? KafkaClientSettings.plain(bootstrap).clientProperties()
                : KafkaClientSettings.from(config, bootstrap).clientProperties();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "waferflow-alerts-tail");
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(API_TIMEOUT.toMillis()));
        Thread hook = follow ? new Thread(this::stop, "waferflow-alerts-tail-stop") : null;
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer = c;
            if (hook != null) {
                Runtime.getRuntime().addShutdownHook(hook);
            }
            List<TopicPartition> partitions = partitions(c, topic, bootstrap);
            c.assign(partitions);
            position(c, partitions, since);
            // With read_committed these are the last stable offsets: nothing before them is still undecided.
            Map<TopicPartition, Long> end = follow ? Map.of() : c.endOffsets(partitions);
            int[] counts = new int[3]; // printed, filtered out, unreadable
            while (!stopped && (follow || !reached(c, end))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(POLL)) {
                    if (!follow && r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue; // written after start: not this run's
                    }
                    print(r, since, worstAllowed, format, counts);
                }
                out.flush();
            }
            if (format.equals("text") && !follow) {
                out.println("-- " + counts[0] + " notification" + (counts[0] == 1 ? "" : "s") + " on " + topic
                        + (counts[1] > 0 ? " (" + counts[1] + " filtered out)" : "")
                        + (counts[2] > 0 ? " (" + counts[2] + " unreadable)" : ""));
            }
        } catch (WakeupException e) {
            // stop(): a clean end of --follow.
        } catch (TimeoutException e) {
            err.println("waferflow alerts: no answer from Kafka at " + bootstrap + " within " + API_TIMEOUT.toSeconds()
                    + " s (" + e.getMessage() + "); check --bootstrap");
            return 1;
        } finally {
            consumer = null;
            if (hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // The JVM is shutting down: the hook is running.
                }
            }
        }
        out.flush();
        return 0;
    }

    /** The configuration file, or null when the default one is absent (then everything comes from options). */
    private static RawConfig config(ConfigOptions options) {
        Path file = options.file();
        if (!options.fileGiven() && !Files.isRegularFile(file)) {
            if (!options.overrides().isEmpty()) {
                throw new ConfigException(
                        "--set", "needs a configuration file, and " + file + " does not exist", "pass --config FILE");
            }
            return null;
        }
        return options.raw();
    }

    /** {@value #TOPIC_KEY}, else {@value #DEFAULT_TOPIC}; an empty key means the job writes no topic. */
    private static String configuredTopic(RawConfig config) {
        if (config == null) {
            return DEFAULT_TOPIC;
        }
        Optional<String> topic = config.optional(TOPIC_KEY);
        if (topic.isEmpty() && config.children("alerts.sinks").contains("kafka_topic")) {
            throw new ConfigException(
                    TOPIC_KEY,
                    "is empty in " + config.source() + ", so the job writes no alert topic",
                    "pass --topic, or set " + TOPIC_KEY + " and restart the job");
        }
        return topic.orElse(DEFAULT_TOPIC);
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> c, String topic, String bootstrap) {
        List<PartitionInfo> infos = c.partitionsFor(topic);
        if (infos == null || infos.isEmpty()) {
            throw new ConfigException(
                    "--topic",
                    "topic '" + topic + "' does not exist on " + bootstrap,
                    "check the name (" + TOPIC_KEY + " in the job configuration, default " + DEFAULT_TOPIC
                            + "); the job creates no topics: create it, or wait until the job has written to it");
        }
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo i : infos) {
            partitions.add(new TopicPartition(topic, i.partition()));
        }
        return partitions;
    }

    /** At the first message at or after {@code since} (the end where there is none), else at the beginning. */
    private static void position(KafkaConsumer<?, ?> c, List<TopicPartition> partitions, Instant since) {
        if (since == null) {
            c.seekToBeginning(partitions);
            return;
        }
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, since.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = c.offsetsForTimes(query);
        List<TopicPartition> none = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            OffsetAndTimestamp o = found.get(tp);
            if (o == null) {
                none.add(tp);
            } else {
                c.seek(tp, o.offset());
            }
        }
        if (!none.isEmpty()) {
            c.seekToEnd(none);
        }
    }

    /** Every partition's position is at its end offset (past committed data, aborted data and commit markers). */
    private static boolean reached(KafkaConsumer<?, ?> c, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (c.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void print(
            ConsumerRecord<byte[], byte[]> r, Instant since, AlertSeverity worstAllowed, String format, int[] counts) {
        Alert a;
        try {
            a = AlertJson.fromJson(r.value() == null ? new byte[0] : r.value());
        } catch (IOException e) {
            counts[2]++;
            err.println("waferflow alerts: skipped partition " + r.partition() + " offset " + r.offset()
                    + ": not an alert (" + e.getMessage() + ")");
            return;
        }
        // offsetsForTimes finds the first message at or after since; a later one stamped earlier is still left out.
        if ((since != null && r.timestamp() < since.toEpochMilli())
                || (worstAllowed != null && (a.severity == null || a.severity.compareTo(worstAllowed) > 0))) {
            counts[1]++;
            return;
        }
        counts[0]++;
        if (format.equals("json")) {
            out.println(new String(r.value(), StandardCharsets.UTF_8));
        } else {
            out.print(block(a, r.timestamp()));
        }
    }

    /** A readable block: headline, subject, message, numbers, episode, runbook, ids; then a blank line. */
    static String block(Alert a, long writtenAt) {
        StringBuilder sb = new StringBuilder();
        sb.append(a.severity)
                .append(' ')
                .append(a.status)
                .append(a.escalated ? " (escalated)" : "")
                .append("  ")
                .append(a.title == null ? "" : a.title)
                .append('\n');
        line(sb, "subject", (a.subject == null ? "" : a.subject) + "  (" + a.type + ", key " + a.key + ")");
        if (a.message != null && !a.message.isBlank()) {
            line(sb, "message", a.message);
        }
        for (AlertFacts.Fact f : AlertFacts.all(a)) {
            line(sb, f.label(), f.value());
        }
        if (a.runbook != null) {
            line(sb, "runbook", a.runbook);
        }
        line(sb, "notified", AlertFacts.iso(writtenAt) + "  (notification " + a.notificationId + ")");
        return sb.append('\n').toString();
    }

    private static void line(StringBuilder sb, String label, String value) {
        sb.append(String.format(Locale.ROOT, "  %-13s %s%n", label + ":", value));
    }

    private Instant since(String value) {
        String v = value.trim();
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException notInstant) {
            try {
                return OffsetDateTime.parse(v).toInstant();
            } catch (DateTimeParseException notOffset) {
                try {
                    Duration d = TimeUtils.parseDuration(v);
                    if (d.isNegative()) {
                        throw new IllegalArgumentException("negative");
                    }
                    return clock.instant().minus(d);
                } catch (IllegalArgumentException notDuration) {
                    throw new ConfigException(
                            "--since",
                            "'" + value + "' is neither an ISO-8601 instant nor a duration",
                            "write e.g. --since 2026-11-27T08:00:00Z or --since \"1 h\"");
                }
            }
        }
    }

    private static AlertSeverity severity(String value) {
        if (value == null) {
            return null;
        }
        try {
            return AlertSeverity.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    "--severity", "'" + value + "' is not a severity", "use P0, P1, P2 or P3 (P1 shows P0 and P1)");
        }
    }
}
