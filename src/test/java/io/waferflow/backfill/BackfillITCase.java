package io.waferflow.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.ingest.ArchiveInput;
import io.waferflow.ingest.KafkaInput;
import io.waferflow.jobs.FeaturesJobSinks;
import io.waferflow.stores.offline.RawArchiveWriteSupport;
import io.waferflow.testing.ExpectedFeatures;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.LocalServices;
import io.waferflow.testing.ParquetFiles;
import io.waferflow.testing.TestDie;
import io.waferflow.testing.TestWafers;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6 item 2: the same graph in streaming and in batch (backfill) over one fixture writes identical feature rows,
 * every column of every (wafer, window), and both equal the independent model.
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

        Function<GenericRecord, String> key = r -> r.get("wafer_id") + "@" + r.get("window_start");
        Map<String, GenericRecord> streamed =
                ParquetFiles.read(tmp.resolve("live/data/wafer_aggregates/version=v1")).stream()
                        .collect(Collectors.toMap(key, r -> r));
        Map<String, GenericRecord> backfilled =
                ParquetFiles.read(tmp.resolve("history/data/wafer_aggregates/version=v1")).stream()
                        .collect(Collectors.toMap(key, r -> r));
        ExpectedFeatures expected = ExpectedFeatures.compute(dies, 60_000, 30_000, 5_000);
        assertThat(expected.tooLate).as("a fixture without late records").isEmpty();
        assertThat(streamed.keySet()).isEqualTo(expected.rows.keySet());
        assertThat(backfilled.keySet()).isEqualTo(streamed.keySet());
        Map<String, GenericRecord> fromArchive =
                ParquetFiles.read(tmp.resolve("archived/data/wafer_aggregates/version=v1")).stream()
                        .collect(Collectors.toMap(key, r -> r));
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
