package io.waferflow.savepoints;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.ingest.KafkaInput;
import io.waferflow.jobs.FeaturesJob;
import io.waferflow.jobs.FeaturesJobSinks;
import io.waferflow.jobs.JobEnvironment;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.ExecutionCheckpointingOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code savepoint bootstrap --until T}: the state of a features job (of the configured version) that had processed the
 * input topic up to Kafka timestamp T — every operator's, on the real uids: records seen for de-duplication, wafer
 * windows in flight, die maps, drift baselines and open drift windows, alert episodes, counters, watermark.
 *
 * <p>The state is computed by the job's own graph, not by a second implementation: the graph runs in streaming
 * execution (as live) over the topic from its beginning, on a source that stops reading at the offsets of T but never
 * finishes, writing nothing (no sinks); once Kafka shows those offsets committed by a completed checkpoint, the job
 * stops with a savepoint. The State Processor API then removes the source's state from it, so a job started from the
 * result reads the topic from T ({@code kafka.starting_offsets=T}) and continues as if it had run all along.
 */
public final class HistoryBootstrap {

    private static final Logger LOG = LoggerFactory.getLogger(HistoryBootstrap.class);
    private static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(1);

    private HistoryBootstrap() {}

    /** What was bootstrapped: the savepoint written and how many input records its state covers. */
    public static final class Result {
        public final String savepoint;
        public final long records;

        Result(String savepoint, long records) {
            this.savepoint = savepoint;
            this.records = records;
        }
    }

    /**
     * @param config the new version's configuration (the bootstrap commits under a consumer group of its own, unique to
     *     this run and deleted at the end, so neither the live job's offsets nor another bootstrap's commits can end
     *     the wait early)
     * @param out where the savepoint goes (a path or URI); a scratch savepoint is written next to it and deleted
     */
    public static Result write(FeaturesJobConfig config, Instant until, String out, Duration timeout) throws Exception {
        String group = config.groupId() + "-bootstrap-" + java.util.UUID.randomUUID();
        Map<TopicPartition, Long> stopAt;
        long records;
        try (Admin admin = admin(config)) {
            stopAt = offsetsAt(admin, config.inputTopic(), until.toEpochMilli());
            records = recordsBefore(admin, stopAt);
        }
        int readers = KafkaInput.readers(config);
        if (stopAt.size() > readers) {
            // A reader whose partitions stop one after the other lets its watermark run ahead of where the live
            // job's was at the cut (a finished partition no longer holds it back).
            throw new io.waferflow.config.ConfigException(
                    "parallelism",
                    "gives " + readers + " Kafka readers for the "
                            + stopAt.size() + " partitions of " + config.inputTopic()
                            + "; a bootstrap is exact only with one "
                            + "partition per reader",
                    "bootstrap with --set parallelism=" + stopAt.size());
        }
        LOG.info(
                "Bootstrapping {} {} from {} records before {} (offsets {})",
                config.featureGroup(),
                config.featureVersion(),
                records,
                until,
                stopAt);

        Configuration flink = JobEnvironment.flinkConfiguration(config);
        flink.set(ExecutionCheckpointingOptions.CHECKPOINTING_INTERVAL, CHECKPOINT_INTERVAL);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.setParallelism(config.parallelism());
        new FeaturesJob(config, KafkaInput.history(config, group, stopAt), FeaturesJobSinks.none()).build(env);
        JobClient job = env.executeAsync(config.jobName() + "-bootstrap-" + config.featureVersion());

        String target = FeaturesJobConfig.toUri(out).replaceAll("/+$", "");
        String scratch = target + "-scratch";
        String raw;
        try {
            awaitCommitted(config, group, stopAt, job, timeout);
            raw = job.stopWithSavepoint(false, scratch, SavepointFormatType.CANONICAL)
                    .get(5, TimeUnit.MINUTES);
        } catch (Exception e) {
            job.cancel();
            throw e;
        } finally {
            try (Admin admin = admin(config)) {
                forgetGroup(admin, group);
            }
        }

        SourceOffsets.drop(raw, target);
        org.apache.flink.core.fs.Path scratchPath = new org.apache.flink.core.fs.Path(scratch);
        scratchPath.getFileSystem().delete(scratchPath, true); // the written savepoint holds copies of its files
        return new Result(target, records);
    }

    /** Per partition, the offset of the first record with a timestamp at or after {@code until}, else its end. */
    static Map<TopicPartition, Long> offsetsAt(Admin admin, String topic, long until) throws Exception {
        Map<TopicPartition, OffsetSpec> at = new HashMap<>();
        Map<TopicPartition, OffsetSpec> end = new HashMap<>();
        admin.describeTopics(java.util.List.of(topic))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .get(topic)
                .partitions()
                .forEach(p -> {
                    TopicPartition tp = new TopicPartition(topic, p.partition());
                    at.put(tp, OffsetSpec.forTimestamp(until));
                    end.put(tp, OffsetSpec.latest());
                });
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> found =
                admin.listOffsets(at).all().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                admin.listOffsets(end).all().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, Long> stopAt = new HashMap<>();
        for (TopicPartition tp : at.keySet()) {
            long offset = found.get(tp).offset();
            stopAt.put(tp, offset >= 0 ? offset : ends.get(tp).offset());
        }
        return stopAt;
    }

    private static long recordsBefore(Admin admin, Map<TopicPartition, Long> stopAt) throws Exception {
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        stopAt.keySet().forEach(tp -> earliest.put(tp, OffsetSpec.earliest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> begin =
                admin.listOffsets(earliest).all().get(30, TimeUnit.SECONDS);
        long n = 0;
        for (Map.Entry<TopicPartition, Long> e : stopAt.entrySet()) {
            n += e.getValue() - begin.get(e.getKey()).offset();
        }
        return n;
    }

    /**
     * Waits until the bootstrap group's committed offsets reach {@code stopAt} on every partition with records to read.
     * The source commits on completed checkpoints, so every record before them is then in the job's state.
     */
    private static void awaitCommitted(
            FeaturesJobConfig config, String group, Map<TopicPartition, Long> stopAt, JobClient job, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = admin(config)) {
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            stopAt.keySet().forEach(tp -> earliest.put(tp, OffsetSpec.earliest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> begin =
                    admin.listOffsets(earliest).all().get(30, TimeUnit.SECONDS);
            while (true) {
                JobStatus status = job.getJobStatus().get(30, TimeUnit.SECONDS);
                if (status.isGloballyTerminalState()) {
                    throw new IllegalStateException(
                            "the bootstrap job ended (" + status + ") before reaching " + stopAt);
                }
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get(30, TimeUnit.SECONDS);
                boolean done = stopAt.entrySet().stream()
                        .allMatch(e -> e.getValue() <= begin.get(e.getKey()).offset()
                                || (committed.get(e.getKey()) != null
                                        && committed.get(e.getKey()).offset() >= e.getValue()));
                if (done) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the bootstrap job did not reach " + stopAt + " within " + timeout
                            + " (committed: " + committed + ")");
                }
                Thread.sleep(200);
            }
        }
    }

    private static void forgetGroup(Admin admin, String group) throws Exception {
        try {
            admin.deleteConsumerGroups(java.util.List.of(group)).all().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException)) {
                throw e;
            }
        }
    }

    private static Admin admin(FeaturesJobConfig config) {
        return Admin.create(config.kafkaClient().clientProperties());
    }
}
