package io.waferflow.cli;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.ingest.KafkaInput;
import io.waferflow.stores.online.RedisClients;
import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import redis.clients.jedis.Jedis;

/**
 * What an operator sees while a job runs from the command line: a progress line every few seconds (records in, windows
 * written, quarantined, Kafka lag at the last checkpoint), and a line when Kafka or Redis stops answering and when it
 * is back. Reads the job's counters (accumulators) and asks Kafka and Redis directly; it changes nothing.
 */
public final class JobConsole implements AutoCloseable {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final int PROBE_TIMEOUT_MS = 2_000;

    private final FeaturesJobConfig config;
    private final boolean streaming;
    private final PrintStream out;
    private final Admin admin;
    private final Map<String, Boolean> answering = new HashMap<>();
    /** Whether the job reads the input topic (false: STDF files), so that its consumer lag means something. */
    private boolean readsTopic = true;

    /**
     * @param streaming the {@code features} job (writes Redis, commits offsets); false for a backfill, which reads a
     *     bounded range and writes Parquet only
     */
    public JobConsole(FeaturesJobConfig config, boolean streaming, PrintStream out) {
        this.config = config;
        this.streaming = streaming;
        this.out = out;
        this.admin = KafkaInput.admin(config);
    }

    /** For a job that reads files ({@code features --source stdf:DIR}): no consumer lag in the progress lines. */
    public JobConsole readingFiles() {
        readsTopic = false;
        return this;
    }

    /** Prints progress until the job ends, then returns its result (or throws its failure). */
    public JobExecutionResult follow(JobClient job, Duration every) throws Exception {
        say("job " + job.getJobID() + " running");
        CompletableFuture<JobExecutionResult> result = job.getJobExecutionResult();
        long lastIn = 0;
        long lastNanos = System.nanoTime();
        while (true) {
            try {
                return result.get(every.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillRunning) {
                // time for the next line
            }
            JobProgress p;
            try {
                p = new JobProgress(job.getAccumulators().get());
            } catch (ExecutionException restarting) {
                say("job " + job.getJobID() + " restarting");
                continue;
            }
            long now = System.nanoTime();
            double perSecond = (p.recordsIn - lastIn) / ((now - lastNanos) / 1e9);
            lastIn = p.recordsIn;
            lastNanos = now;
            watch("Kafka at " + config.kafkaBootstrapServers(), this::kafkaAnswers);
            if (streaming) {
                watch("Redis at " + config.redisHost() + ":" + config.redisPort(), this::redisAnswers);
            }
            say(String.format(
                    "in %,d (%,.0f rec/s) | windows online %,d offline %,d | quarantined %,d (too late %,d,"
                            + " duplicates %,d)%s",
                    p.recordsIn,
                    perSecond,
                    p.onlineRows,
                    p.offlineRows,
                    p.quarantined,
                    p.tooLate,
                    p.duplicates,
                    streaming && readsTopic ? " | lag " + lag() : ""));
        }
    }

    /** Prints a line when a dependency stops answering and when it answers again. */
    private void watch(String dependency, java.util.function.Supplier<String> problem) {
        String p = problem.get();
        boolean up = p == null;
        Boolean before = answering.put(dependency, up);
        if (before != null && before && !up) {
            say(dependency + " stopped answering (" + p + ")");
        } else if (before != null && !before && up) {
            say(dependency + " answers again");
        } else if (before == null && !up) {
            say(dependency + " does not answer (" + p + ")");
        }
    }

    private String kafkaAnswers() {
        try {
            admin.describeCluster().nodes().get(PROBE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            return null;
        } catch (Exception e) {
            return e.getClass().getSimpleName();
        }
    }

    private String redisAnswers() {
        try (Jedis jedis = RedisClients.jedis(config.redisConnection())) {
            jedis.ping();
            return null;
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    /** Records on the input topic after the offsets the job committed at its last checkpoint. */
    private String lag() {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(config.groupId())
                    .partitionsToOffsetAndMetadata()
                    .get(PROBE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            List<TopicPartition> partitions = admin
                    .describeTopics(List.of(config.inputTopic()))
                    .allTopicNames()
                    .get(PROBE_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                    .get(config.inputTopic())
                    .partitions()
                    .stream()
                    .map(p -> new TopicPartition(config.inputTopic(), p.partition()))
                    .toList();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end =
                    admin.listOffsets(latest).all().get(PROBE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            long lag = 0;
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata c = committed.get(tp);
                if (c == null) {
                    return "n/a (no checkpoint yet)";
                }
                lag += Math.max(0, end.get(tp).offset() - c.offset());
            }
            return String.format("%,d", lag);
        } catch (Exception e) {
            return "n/a";
        }
    }

    private void say(String line) {
        out.println(LocalTime.now().format(CLOCK) + " " + line);
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
