package io.waferflow.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.cli.SavepointCommand;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.drift.BaselineFile;
import io.waferflow.drift.Distribution;
import io.waferflow.jobs.FeaturesJobSinks;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.LocalServices;
import io.waferflow.testing.ParquetFiles;
import io.waferflow.testing.TestDie;
import io.waferflow.testing.TestWafers;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Baselines bootstrapped into a savepoint (issue 4 (c), issue 6 item 3 for drift state): {@code savepoint bootstrap}
 * writes the drift detector's state from a baseline file; the streaming job started from that savepoint, configured to
 * build baselines from the stream, instead judges its very first drift window against the bootstrapped ones.
 */
@Timeout(300)
class BaselineBootstrapITCase {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices().withMiniCluster();

    private static final long T0 = Instant.parse("2026-11-27T02:00:00Z").toEpochMilli();

    @TempDir
    Path tmp;

    @Test
    void theFirstDriftWindowIsJudgedAgainstBootstrappedBaselines() throws Exception {
        Random random = new Random(31);
        double[][] history = new double[4][20_000];
        for (int i = 0; i < 20_000; i++) {
            history[0][i] = 1.2 + 0.02 * random.nextGaussian();
            history[1][i] = 50 + 5 * random.nextGaussian();
            history[2][i] = 2000 + 100 * random.nextGaussian();
            history[3][i] = 25 + random.nextGaussian();
        }
        String[] names = {"vdd", "idd", "frequency", "temperature"};
        Map<String, Distribution> features = new java.util.LinkedHashMap<>();
        for (int f = 0; f < 4; f++) {
            features.put(names[f], Distribution.ofValues(history[f], 200));
        }
        Path file = tmp.resolve("history-baseline.json");
        new BaselineFile("history", Instant.EPOCH, 200, features).write(file);
        Path savepoint = tmp.resolve("bootstrap");
        assertThat(new SavepointCommand().run(new String[] {
                    "bootstrap",
                    "--baseline",
                    file.toString(),
                    "--out",
                    savepoint.toString(),
                    "--set",
                    "lineage.file=" + tmp.resolve("lineage.jsonl")
                }))
                .isZero();

        // Live traffic whose Vdd sits 2.5 σ above history from the start.
        List<TestDie> dies = TestWafers.drawingFrom(random)
                .lot("LS")
                .wafers(4, "WS%d")
                .dies(150, 15)
                .starts(T0, 2_000)
                .vddMean(1.25)
                .temperature(25, 1)
                .testTime(120)
                .build();
        SERVICES.createTopics("bootstrap", 1);
        SERVICES.produce("bootstrap-in", TestDie.payloads(dies));

        FeaturesJobConfig config = SERVICES.config(
                tmp,
                "bootstrap",
                "feature_group.watermark.emit=per_record",
                "drift.window=2 min",
                "drift.baseline.from=stream_records",
                "drift.min_current=200");
        Configuration flink = FeaturesJobRun.flinkConfiguration(config);
        flink.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint.toUri().toString());
        FeaturesJobRun.execute(config, "bootstrap-it", flink, FeaturesJobSinks.production(config));

        List<GenericRecord> drift = ParquetFiles.read(tmp.resolve("data/_drift"));
        GenericRecord firstVdd = drift.stream()
                .filter(r -> r.get("feature").toString().equals("vdd"))
                .min(Comparator.comparingLong(r -> (Long) r.get("window_start")))
                .orElseThrow();
        assertThat(firstVdd.get("window_start")).isEqualTo(T0);
        assertThat(firstVdd.get("baseline_id").toString()).isEqualTo("bootstrap:history-baseline.json");
        assertThat(firstVdd.get("n_baseline")).isEqualTo(20_000L);
        assertThat(firstVdd.get("verdict").toString()).isEqualTo("drift");
        GenericRecord firstIdd = drift.stream()
                .filter(r -> r.get("feature").toString().equals("idd"))
                .min(Comparator.comparingLong(r -> (Long) r.get("window_start")))
                .orElseThrow();
        assertThat(firstIdd.get("verdict").toString()).isEqualTo("stable");
    }
}
