package io.waferflow.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.ingest.ArchiveInput;
import io.waferflow.ingest.KafkaInput;
import io.waferflow.jobs.FeaturesJobSinks;
import io.waferflow.metrics.PipelineCounter;
import io.waferflow.stores.offline.RawArchiveWriteSupport;
import io.waferflow.stores.online.PackedFeatures;
import io.waferflow.testing.ExpectedFeatures;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.LateArrivals;
import io.waferflow.testing.LocalServices;
import io.waferflow.testing.ParquetFiles;
import io.waferflow.testing.TestDie;
import io.waferflow.testing.TestWafers;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.JobExecutionResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Issue 6 item 2: the same graph in streaming and in batch (backfill) over one fixture writes identical feature rows,
 * every column of every (wafer, window), and both equal the independent model. Issue 14: also with late records, whose
 * arrival order a backfill never sees.
 */
@Timeout(300)
class BackfillITCase {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices().withMiniCluster();

    private static final long T0 = Instant.parse("2026-11-27T04:00:00Z").toEpochMilli();

    @TempDir
    Path tmp;

    @Test
    void streamingAndBackfillWriteTheSameRows() throws Exception {
        List<TestDie> dies = TestWafers.seed(23)
                .lot("LB")
                .wafers(12, "WB%02d")
                .dies(200, 15)
                .starts(w -> T0 + (w % 4) * 5_000L + (w / 4) * 250_000L)
                .failRate(0.12)
                .missingTemperature(0.05)
                .testTime(100, 60)
                .build();
        SERVICES.createTopics("backfill", 2);
        SERVICES.produce("backfill-in", TestDie.payloads(dies), i -> dies.get(i).waferNumber() % 2);

        // Live: the streaming job over the topic.
        FeaturesJobConfig live =
                SERVICES.config("backfill", "live", tmp.resolve("live"), "feature_group.watermark.emit=per_record");
        FeaturesJobRun.execute(live, "backfill-it-live");

        // Backfill: the same graph in batch execution, offline sinks only.
        FeaturesJobConfig history = SERVICES.config("backfill", "history", tmp.resolve("history"));
        FeaturesJobRun.backfill(
                history,
                KafkaInput.range(history, null, null),
                FeaturesJobSinks.backfill(history),
                "backfill-it-batch");

        // Backfill from the live run's raw archive instead of the topic.
        FeaturesJobConfig archived = SERVICES.config("backfill", "archived", tmp.resolve("archived"));
        FeaturesJobRun.backfill(
                archived,
                ArchiveInput.source(
                        archived,
                        tmp.resolve("live/data").toString(),
                        RawArchiveWriteSupport.avroSchema(archived.schema().parameterNames()),
                        null,
                        null),
                FeaturesJobSinks.backfill(archived),
                "backfill-it-archive");

        Map<String, GenericRecord> streamed = rowsByWindow("live");
        Map<String, GenericRecord> backfilled = rowsByWindow("history");
        ExpectedFeatures expected = ExpectedFeatures.compute(dies, 60_000, 30_000, 5_000);
        assertThat(expected.tooLate).as("a fixture without late records").isEmpty();
        assertThat(streamed.keySet()).isEqualTo(expected.rows.keySet());
        assertThat(backfilled.keySet()).isEqualTo(streamed.keySet());
        Map<String, GenericRecord> fromArchive = rowsByWindow("archived");
        assertThat(fromArchive.keySet()).isEqualTo(streamed.keySet());
        for (String k : streamed.keySet()) {
            assertThat(withoutWriteTime(backfilled.get(k))).as(k).isEqualTo(withoutWriteTime(streamed.get(k)));
            assertThat(withoutWriteTime(fromArchive.get(k)))
                    .as("from the archive: " + k)
                    .isEqualTo(withoutWriteTime(streamed.get(k)));
            FeaturesJobRun.assertFeatures(backfilled.get(k), expected.rows.get(k));
        }
        System.out.printf(
                "BackfillITCase: %d feature rows identical in streaming, batch over the topic and batch over the raw "
                        + "archive%n",
                streamed.size());
    }

    @Test
    void withLateRecordsStreamingWritesTheBackfillsRows() throws Exception {
        Random random = new Random(14);
        List<TestDie> inOrder = LateArrivals.withRetests(
                TestWafers.drawingFrom(random)
                        .lot("LL")
                        .wafers(8, "WL%02d")
                        .dies(100, 10)
                        .dieEvery(3_000)
                        .starts(w -> T0 + (w % 4) * 7_000L + (w / 4) * 200_000L)
                        .failRate(0.35)
                        .build(),
                24,
                random);
        // Per partition, a quarter of the records held back by up to 150 s: late (after their window, and often after
        // the next one, fired) but within the 3 minutes allowed.
        List<TestDie> sent = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            int partition = p;
            sent.addAll(LateArrivals.heldBack(
                    inOrder.stream()
                            .filter(d -> d.waferNumber() % 2 == partition)
                            .toList(),
                    0.25,
                    150_000,
                    random));
        }
        SERVICES.createTopics("late", 2);
        SERVICES.produce("late-in", TestDie.payloads(sent), i -> sent.get(i).waferNumber() % 2);

        String lateness = "feature_group.window.allowed_lateness=3 min";
        FeaturesJobConfig live = SERVICES.config(
                "late", "late-live", tmp.resolve("late-live"), "feature_group.watermark.emit=per_record", lateness);
        JobExecutionResult streaming = FeaturesJobRun.execute(live, "backfill-it-late-live");
        FeaturesJobConfig history = SERVICES.config("late", "late-history", tmp.resolve("late-history"), lateness);
        FeaturesJobRun.backfill(
                history,
                KafkaInput.range(history, null, null),
                FeaturesJobSinks.backfill(history),
                "backfill-it-late-batch");

        Map<String, Object> acc = streaming.getAllAccumulatorResults();
        assertThat(acc.get(PipelineCounter.RECORDS_TOO_LATE))
                .as("every record within lateness")
                .isEqualTo(0L);
        assertThat((Long) acc.get(PipelineCounter.LATE_WINDOW_UPDATES))
                .as("late re-firings")
                .isPositive();
        assertThat((Long) acc.get(PipelineCounter.NEIGHBOUR_RECOMPUTED_ROWS))
                .as("windows revised for a late neighbour")
                .isPositive();

        Map<String, GenericRecord> streamed = rowsByWindow("late-live");
        Map<String, GenericRecord> backfilled = rowsByWindow("late-history");
        // The specification: the input in event-time order (its rows do not depend on the order: nothing is too late).
        ExpectedFeatures expected = ExpectedFeatures.compute(inOrder, 60_000, 180_000, 5_000);
        assertThat(streamed.keySet()).isEqualTo(expected.rows.keySet());
        assertThat(backfilled.keySet()).isEqualTo(streamed.keySet());
        for (String k : streamed.keySet()) {
            FeaturesJobRun.assertFeatures(streamed.get(k), expected.rows.get(k));
            FeaturesJobRun.assertFeatures(backfilled.get(k), expected.rows.get(k));
            assertThat(streamed.get(k).get("neighbor_yield_avg"))
                    .as(k + " neighbour yield, streamed and backfilled")
                    .isEqualTo(backfilled.get(k).get("neighbor_yield_avg"));
        }
        try (Jedis jedis = SERVICES.jedis()) {
            for (ExpectedFeatures.Row want : expected.newestPerWafer().values()) {
                Map<String, Object> online = new HashMap<>();
                PackedFeatures.flatten(jedis.hgetAll("late-live:wafer_aggregates:v1:" + want.wafer))
                        .forEach((f, v) -> online.put(f, v.isEmpty() ? null : parsedNumber(v)));
                assertThat(online.get("window_start")).as(want.wafer).isEqualTo((double) want.windowStart);
                FeaturesJobRun.assertFeatures(online, want);
            }
        }
        System.out.printf(
                "BackfillITCase: %d records, a quarter held back by up to 150 s (%d re-firings, %d rows revised "
                        + "for a late neighbour), %d streamed rows equal the backfill's and the model's%n",
                sent.size(),
                acc.get(PipelineCounter.LATE_WINDOW_UPDATES),
                acc.get(PipelineCounter.NEIGHBOUR_RECOMPUTED_ROWS),
                streamed.size());
    }

    /** The feature rows a run wrote under {@code tmp/<run>}, by wafer@window start. */
    private Map<String, GenericRecord> rowsByWindow(String run) {
        return ParquetFiles.read(tmp.resolve(run + "/data/wafer_aggregates/version=v1")).stream()
                .collect(Collectors.toMap(r -> r.get("wafer_id") + "@" + r.get("window_start"), r -> r));
    }

    private static Object parsedNumber(String v) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException notANumber) {
            return v;
        }
    }

    /**
     * A row as text without {@code written_at}, the processing time of its write: the backfill writes the same rows,
     * later. Every row has one.
     */
    private static String withoutWriteTime(GenericRecord row) {
        assertThat(row.get("written_at"))
                .as("written_at of " + row.get("wafer_id"))
                .isNotNull();
        GenericData.Record copy = new GenericData.Record((GenericData.Record) row, true);
        copy.put("written_at", null);
        return copy.toString();
    }
}
