package io.waferflow.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.cli.TrainingSetCommand;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.serving.FeatureClient.EntityFeatures;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.LocalServices;
import io.waferflow.testing.ParquetFiles;
import io.waferflow.testing.TestDie;
import io.waferflow.testing.TestWafers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Online/offline identity: the features job runs over a fixture; the server answers a wafer's features and derived
 * features; a label of that wafer one millisecond after its latest window's end goes through {@code training-set} (the
 * command, its batch job, its Parquet); the training row holds the same window and, feature by feature and derived
 * feature by derived feature, the same doubles. A label exactly at that window's end gets the window before (or none):
 * the window ending at the label time is its future.
 */
@Timeout(300)
class TrainingSetServingIdentityITCase {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices().withMiniCluster();

    private static final long T0 = Instant.parse("2026-12-02T08:00:00Z").toEpochMilli();
    private static final List<String> DERIVED = List.of("vdd_cv", "yield_vs_neighbors");

    @TempDir
    Path tmp;

    @Test
    void aTrainingRowJustAfterAWindowEqualsTheServedAnswer() throws Exception {
        SERVICES.createTopics("ident", 1);
        List<TestDie> dies = new ArrayList<>(TestWafers.seed(31)
                .dies(30, 6)
                .failRate(0.2)
                .failingIdd(80, 10)
                .temperature(25, 1)
                .missingTemperature(0.1)
                .testTime(120, 30)
                .lot("L9")
                .wafers(20, w -> String.format("B%03d", w))
                .starts(T0, 3_000)
                .dieEvery(4_000)
                .build());
        dies.sort(java.util.Comparator.comparingLong(TestDie::time));
        SERVICES.produce("ident-in", TestDie.payloads(dies));
        String[] overrides = {
            "feature_group.window.size=1 min", "feature_group.watermark.emit=per_record", "serving.port=0"
        };
        FeaturesJobConfig config = SERVICES.config(tmp, "ident", overrides);
        FeaturesJobRun.execute(config, "features-ident");

        List<String> wafers = new ArrayList<>();
        for (int w = 0; w < 20; w++) {
            wafers.add(String.format("B%03d", w));
        }
        List<EntityFeatures> served;
        try (FeatureServer server = FeatureServer.start(config)) {
            served = new FeatureClient(URI.create(server.url()), null)
                    .features(
                            FeatureClient.Request.of("wafer_aggregates", wafers).withDerived(DERIVED))
                    .results();
        }
        assertThat(served).hasSize(20).allSatisfy(e -> assertThat(e.windowEnd()).isNotNull());
        assertThat(served.stream().filter(e -> e.values().get("vdd_cv") != null))
                .as("derived values to compare (a wafer of one die has no vdd_std, so no vdd_cv)")
                .hasSizeGreaterThan(15);

        Path labels = tmp.resolve("labels.csv");
        StringBuilder csv = new StringBuilder("label_id,wafer_id,label_time\n");
        for (int i = 0; i < served.size(); i++) {
            EntityFeatures e = served.get(i);
            csv.append(i)
                    .append(',')
                    .append(e.entity())
                    .append(',')
                    .append(e.windowEnd() + 1)
                    .append('\n');
            csv.append(100 + i)
                    .append(',')
                    .append(e.entity())
                    .append(',')
                    .append(e.windowEnd())
                    .append('\n');
        }
        Files.writeString(labels, csv);
        List<String> features = ServedGroup.of(config).features();
        Path out = tmp.resolve("training");
        List<String> argv = new ArrayList<>(List.of(
                "--labels", labels.toString(),
                "--features",
                        features.stream().map(f -> "wafer_aggregates:v1:" + f).collect(Collectors.joining(",")),
                "--derived", String.join(",", DERIVED),
                "--out", out.toString()));
        for (String setting : SERVICES.settings(tmp, "ident", overrides)) {
            argv.add("--set");
            argv.add(setting);
        }
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        int code = new TrainingSetCommand(new PrintStream(shown, true, StandardCharsets.UTF_8))
                .run(argv.toArray(String[]::new));
        assertThat(code).as(shown.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(shown.toString(StandardCharsets.UTF_8)).contains("rows", "40");
        assertThat(out.resolve("_training_set.json")).exists();

        Map<Long, GenericRecord> rows = new HashMap<>();
        for (GenericRecord r : ParquetFiles.read(out)) {
            rows.put((Long) r.get("label_id"), r);
        }
        assertThat(rows).hasSize(40);
        int compared = 0;
        for (int i = 0; i < served.size(); i++) {
            EntityFeatures online = served.get(i);
            GenericRecord training = rows.get((long) i);
            assertThat(training.get("wafer_id").toString()).isEqualTo(online.entity());
            assertThat(training.get("wafer_aggregates__v1__status").toString()).isEqualTo("ok");
            assertThat(training.get("wafer_aggregates__v1__window_end")).isEqualTo(online.windowEnd());
            for (String f : features) {
                assertThat((Double) training.get("wafer_aggregates__v1__" + f))
                        .as("%s %s", online.entity(), f)
                        .isEqualTo(online.values().get(f));
                compared++;
            }
            for (String d : DERIVED) {
                assertThat((Double) training.get("wafer_aggregates__v1__" + d))
                        .as("%s %s", online.entity(), d)
                        .isEqualTo(online.values().get(d));
                compared++;
            }
            GenericRecord atTheEnd = rows.get(100L + i);
            Object before = atTheEnd.get("wafer_aggregates__v1__window_end");
            assertThat(before == null || (Long) before < online.windowEnd())
                    .as("a label at %s sees no window ending then", online.windowEnd())
                    .isTrue();
        }
        assertThat(compared).isEqualTo(20 * (features.size() + DERIVED.size()));
    }
}
