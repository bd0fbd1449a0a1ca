package io.waferflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.waferflow.drift.BaselineFile;
import io.waferflow.drift.Distribution;
import io.waferflow.model.DeviceTest;
import io.waferflow.stores.offline.RawArchiveWriteSupport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code waferflow baseline} from JSONL, CSV and a raw-archive directory of Parquet files. */
class BaselineCommandTest {

    private static final List<String> PARAMETERS = List.of("vdd", "idd", "temperature");

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void jsonLinesBaselineRoundTrips() throws Exception {
        double[] vdd = normal(new SplittableRandom(1), 3000, 1.2, 0.02);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < vdd.length; i++) {
            // temperature missing on every 10th record: null or absent
            String temperature = i % 20 == 0 ? ",\"temperature\":null" : i % 10 == 0 ? "" : ",\"temperature\":25.5";
            sb.append(String.format(
                    Locale.ROOT,
                    "{\"lot_id\":\"L1\",\"device_id\":\"W01-%d\",\"vdd\":%s%s}%n",
                    i,
                    vdd[i],
                    temperature));
        }
        Files.writeString(dir.resolve("history.jsonl"), sb);
        Path file = dir.resolve("out/baseline.json");

        assertThat(run("--input", dir.resolve("history.jsonl").toString(), "--out", file.toString()))
                .isEqualTo(0);

        BaselineFile baseline = BaselineFile.read(file);
        assertThat(baseline.features.keySet()).containsExactlyInAnyOrder("vdd", "temperature");
        assertThat(baseline.source).isEqualTo(dir.resolve("history.jsonl").toString());
        assertThat(baseline.k).as("--k default: the shipped drift.sketch_k").isEqualTo(1536);
        Distribution d = baseline.features.get("vdd");
        assertThat(d.n).isEqualTo(3000);
        assertThat(d.mean).isCloseTo(mean(vdd), within(1e-12));
        assertThat(d.std()).isCloseTo(std(vdd), within(1e-12));
        assertThat(d.kll(200).getN()).isEqualTo(3000);
        assertThat(baseline.features.get("temperature").n).isEqualTo(2700);

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("p5", "p50", "p95", "wrote " + file);
        double[] sorted = vdd.clone();
        Arrays.sort(sorted);
        // p50 by nearest rank: the 1500th smallest of 3000
        assertThat(printed).contains(String.format(Locale.ROOT, "%.6g", sorted[1499]));
    }

    @Test
    void csvBaselineOfChosenFeatures() throws Exception {
        double[] idd = normal(new SplittableRandom(2), 500, 50, 2);
        StringBuilder sb = new StringBuilder("device_id,idd,vdd\n");
        for (int i = 0; i < idd.length; i++) {
            sb.append("W01-").append(i).append(',').append(idd[i]).append(",1.2\n");
        }
        Files.writeString(dir.resolve("history.csv"), sb);
        Path file = dir.resolve("baseline.json");

        assertThat(run(
                        "--input",
                        dir.resolve("history.csv").toString(),
                        "--out",
                        file.toString(),
                        "--features",
                        "idd",
                        "--k",
                        "100"))
                .isEqualTo(0);

        BaselineFile baseline = BaselineFile.read(file);
        assertThat(baseline.features.keySet()).containsExactly("idd");
        assertThat(baseline.k).isEqualTo(100);
        assertThat(baseline.features.get("idd").n).isEqualTo(500);
        assertThat(baseline.features.get("idd").mean).isCloseTo(mean(idd), within(1e-12));
    }

    @Test
    void rawArchiveDirectoryReadsEveryParquetFileBelowIt() throws Exception {
        Path raw = dir.resolve("raw");
        SplittableRandom random = new SplittableRandom(3);
        double[] vdd1 = normal(random, 700, 1.2, 0.02);
        double[] vdd2 = normal(random, 300, 1.21, 0.02);
        writeRawArchive(raw.resolve("date=2026-11-26/part-a-0.parquet"), vdd1);
        writeRawArchive(raw.resolve("date=2026-11-27/part-b-0.parquet"), vdd2);
        // An in-progress part file of the file sink is hidden and not yet a valid Parquet file.
        Files.writeString(raw.resolve("date=2026-11-27/.part-c-0.parquet.inprogress.1234.parquet"), "not parquet");
        Path file = dir.resolve("baseline.json");

        assertThat(run("--input", raw.toString(), "--out", file.toString())).isEqualTo(0);

        BaselineFile baseline = BaselineFile.read(file);
        assertThat(baseline.features.keySet())
                .contains("vdd", "idd", "temperature", "die_x", "pass_fail", "test_time_ms")
                .doesNotContain("event_time", "lot_id", "wafer_id", "device_id", "tester_id");
        double[] all = new double[1000];
        System.arraycopy(vdd1, 0, all, 0, 700);
        System.arraycopy(vdd2, 0, all, 700, 300);
        assertThat(baseline.features.get("vdd").n).isEqualTo(1000);
        assertThat(baseline.features.get("vdd").mean).isCloseTo(mean(all), within(1e-12));
        // temperature is null (NaN) on every 4th die: 175 of the first file's 700, 75 of the second's 300
        assertThat(baseline.features.get("temperature").n).isEqualTo(1000 - 175 - 75);
        assertThat(baseline.features.get("die_x").max).isEqualTo(29);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("(1000 records)");
    }

    @Test
    void badInputExitsWithTwo() throws Exception {
        Path file = dir.resolve("baseline.json");
        assertThat(run("--input", dir.resolve("missing.csv").toString(), "--out", file.toString()))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("waferflow baseline: --input: no such file");
        Files.createDirectories(dir.resolve("empty"));
        assertThat(run("--input", dir.resolve("empty").toString(), "--out", file.toString()))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("holds no .parquet files");
        assertThat(Files.exists(file)).isFalse();
    }

    private static void writeRawArchive(Path file, double[] vdd) throws IOException {
        Files.createDirectories(file.getParent());
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file.toUri());
        try (ParquetWriter<DeviceTest> w =
                RawArchiveWriteSupport.writer(HadoopOutputFile.fromPath(path, new Configuration()), PARAMETERS)) {
            for (int i = 0; i < vdd.length; i++) {
                DeviceTest d = new DeviceTest();
                d.eventTime = 1_795_766_400_000L + i;
                d.lotId = "L1";
                d.waferId = "W01";
                d.deviceId = "W01-" + i;
                d.dieX = i % 30;
                d.dieY = i / 30;
                d.testTimeMs = 120;
                d.passFail = 1;
                d.hardBin = 1;
                d.testerId = "T1";
                d.parameters = new double[] {vdd[i], 50, i % 4 == 0 ? Double.NaN : 25};
                w.write(d);
            }
        }
    }

    private int run(String... args) throws Exception {
        out.reset();
        err.reset();
        return new BaselineCommand(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(args);
    }

    private static double[] normal(SplittableRandom random, int n, double mean, double std) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = mean + std * random.nextGaussian();
        }
        return v;
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).sum() / v.length;
    }

    private static double std(double[] v) {
        double m = mean(v);
        return Math.sqrt(Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / (v.length - 1));
    }
}
