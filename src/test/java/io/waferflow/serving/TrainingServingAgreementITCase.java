package io.waferflow.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.derived.DerivedFeatures;
import io.waferflow.serving.FeatureClient.EntityFeatures;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.LocalServices;
import io.waferflow.testing.ParquetFiles;
import io.waferflow.testing.TestDie;
import io.waferflow.testing.TestWafers;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training/serving agreement: after the production graph has run over an input with late records (windows fire again,
 * rows get revisions), every wafer the feature API serves equals the offline row (Parquet, what training sets read) of
 * the same window, feature by feature and to the last bit, and so do the derived features computed on read and over the
 * offline row. The share of agreeing wafers is measured; the goal is all of them.
 */
@Timeout(300)
class TrainingServingAgreementITCase {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices().withMiniCluster();

    private static final long T0 = Instant.parse("2026-12-02T06:00:00Z").toEpochMilli();
    private static final List<String> DERIVED = List.of("vdd_cv", "yield_vs_neighbors");

    @TempDir
    Path tmp;

    /** Sixty wafers of 40 dies over four minutes; every 25th die arrives 20 s late (within the allowed lateness). */
    private static List<TestDie> arrivals() {
        List<TestDie> dies = new ArrayList<>(TestWafers.seed(23)
                .dies(40, 8)
                .failRate(0.15)
                .failingIdd(80, 10)
                .temperature(25, 1)
                .missingTemperature(0.1)
                .testTime(120, 30)
                .lot("L7")
                .wafers(60, w -> String.format("A%03d", w))
                .starts(T0, 400)
                .dieEvery(5_000)
                .build());
        dies.sort(Comparator.comparingLong(TestDie::time));
        List<TestDie> order = new ArrayList<>();
        List<TestDie> late = new ArrayList<>();
        for (int i = 0; i < dies.size(); i++) {
            TestDie d = dies.get(i);
            late.removeIf(l -> {
                boolean due = l.time() + 20_000 <= d.time();
                if (due) {
                    order.add(l);
                }
                return due;
            });
            if (i % 25 == 24) {
                late.add(d);
            } else {
                order.add(d);
            }
        }
        order.addAll(late);
        return order;
    }

    @Test
    void everyServedRowEqualsTheOfflineRowOfItsWindow() throws Exception {
        SERVICES.createTopics("agree", 1);
        SERVICES.produce("agree-in", TestDie.payloads(arrivals()));
        FeaturesJobConfig config = SERVICES.config(
                tmp,
                "agree",
                "feature_group.window.size=1 min",
                "feature_group.watermark.emit=per_record",
                "serving.port=0");
        FeaturesJobRun.execute(config, "features-agree");

        // The offline store: each wafer's newest window, its last revision (what a training set reads).
        Map<String, GenericRecord> offline = new HashMap<>();
        List<GenericRecord> rows = ParquetFiles.read(tmp.resolve("data/wafer_aggregates/version=v1"));
        for (GenericRecord r : rows) {
            offline.merge(r.get("wafer_id").toString(), r, TrainingServingAgreementITCase::newer);
        }
        assertThat(offline).hasSize(60);
        assertThat(rows.stream().filter(r -> (Integer) r.get("revision") > 0))
                .as("windows that fired again for late records")
                .isNotEmpty();

        try (FeatureServer server = FeatureServer.start(config)) {
            List<String> wafers = new ArrayList<>(offline.keySet());
            FeatureClient.Answer answer = new FeatureClient(URI.create(server.url()), null)
                    .features(
                            FeatureClient.Request.of("wafer_aggregates", wafers).withDerived(DERIVED));
            List<String> features = ServedGroup.of(config).features();
            DerivedFeatures derived = ServedGroup.of(config).derived();
            int agreeing = 0;
            List<String> disagreements = new ArrayList<>();
            for (EntityFeatures served : answer.results()) {
                GenericRecord row = offline.get(served.entity());
                List<String> differences = new ArrayList<>();
                if (!Long.valueOf((Long) row.get("window_end")).equals(served.windowEnd())
                        || !Integer.valueOf((Integer) row.get("revision")).equals(served.revision())) {
                    differences.add("window " + served.windowEnd() + " r" + served.revision() + " against "
                            + row.get("window_end") + " r" + row.get("revision"));
                }
                Map<String, Double> offlineValues = new HashMap<>();
                for (String f : features) {
                    Double want = number(row.get(f));
                    offlineValues.put(f, want);
                    if (!same(want, served.values().get(f))) {
                        differences.add(f + " " + served.values().get(f) + " against " + want);
                    }
                }
                Map<String, Double> offlineDerived = derived.evaluateRow(offlineValues);
                for (String d : DERIVED) {
                    if (!same(offlineDerived.get(d), served.values().get(d))) {
                        differences.add(d + " " + served.values().get(d) + " against " + offlineDerived.get(d));
                    }
                }
                if (differences.isEmpty()) {
                    agreeing++;
                } else {
                    disagreements.add(served.entity() + ": " + differences);
                }
            }
            double share = agreeing / (double) answer.results().size();
            System.out.printf(
                    "training/serving agreement: %d of %d wafers (%.1f %%)%n",
                    agreeing, answer.results().size(), 100 * share);
            assertThat(disagreements)
                    .as("wafers served otherwise than their offline row")
                    .isEmpty();
            assertThat(share).isEqualTo(1.0);
        }
    }

    private static GenericRecord newer(GenericRecord a, GenericRecord b) {
        int byEnd = Long.compare((Long) a.get("window_end"), (Long) b.get("window_end"));
        if (byEnd != 0) {
            return byEnd > 0 ? a : b;
        }
        return (Integer) a.get("revision") >= (Integer) b.get("revision") ? a : b;
    }

    /** A Parquet value as the API answers it: a null feature (NaN or null) has no value. */
    private static Double number(Object value) {
        if (value == null) {
            return null;
        }
        double d = ((Number) value).doubleValue();
        return Double.isNaN(d) ? null : d;
    }

    private static boolean same(Double a, Double b) {
        return a == null ? b == null : a.equals(b);
    }
}
