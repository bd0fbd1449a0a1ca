package io.waferflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code waferflow drift} on small generated JSONL and CSV files. */
class DriftCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** vdd shifted by 2.5 σ in the current data, idd unchanged. */
    private Sample baseline;

    private Sample current;

    @BeforeEach
    void writeData() throws IOException {
        baseline = Sample.draw(new SplittableRandom(1), 2000, 0);
        current = Sample.draw(new SplittableRandom(2), 1500, 2.5 * 0.02);
        baseline.writeJsonLines(dir.resolve("baseline.jsonl"));
        current.writeJsonLines(dir.resolve("current.jsonl"));
        current.writeCsv(dir.resolve("current.csv"));
    }

    @Test
    void tableComparesEveryNumericColumnInBothModes() throws Exception {
        assertThat(run("--baseline", path("baseline.jsonl"), "--current", path("current.jsonl")))
                .isEqualTo(0);
        String table = out.toString(StandardCharsets.UTF_8);
        assertThat(table).contains("psi_exact", "psi_sketch", "p_cons", "verdict_exact", "verdict_sketch");
        assertThat(line(table, "vdd ", 2)).matches(".* drift +drift");
        assertThat(line(table, "idd ", 2)).matches(".* stable +stable");
        assertThat(line(table, "vdd ", 1)).contains(" 2000 ", " 1500 ");
        assertThat(table).contains("die_x").doesNotContain("lot_id").doesNotContain("device_id");
    }

    @Test
    void jsonGivesOneObjectPerFeatureAndModeWithIndependentlyCheckedValues() throws Exception {
        assertThat(run(
                        "--baseline",
                        path("baseline.jsonl"),
                        "--current",
                        path("current.csv"),
                        "--features",
                        "vdd,idd",
                        "--format",
                        "json",
                        "--mode",
                        "exact"))
                .isEqualTo(0);
        List<JsonNode> rows = jsonLines();
        assertThat(rows).extracting(r -> r.get("feature").asText()).containsExactly("vdd", "idd");
        assertThat(rows).allSatisfy(r -> assertThat(r.get("mode").asText()).isEqualTo("exact"));
        JsonNode vdd = rows.get(0);
        assertThat(vdd.get("n_baseline").asLong()).isEqualTo(2000);
        assertThat(vdd.get("n_current").asLong()).isEqualTo(1500);
        assertThat(vdd.get("baseline_mean").asDouble()).isCloseTo(mean(baseline.vdd), within(1e-9));
        assertThat(vdd.get("current_mean").asDouble()).isCloseTo(mean(current.vdd), within(1e-9));
        assertThat(vdd.get("ks_d").asDouble())
                .isCloseTo(
                        new KolmogorovSmirnovTest().kolmogorovSmirnovStatistic(baseline.vdd, current.vdd),
                        within(1e-12));
        assertThat(vdd.get("shift_sigma").asDouble()).isCloseTo(2.5, within(0.15));
        assertThat(vdd.get("verdict").asText()).isEqualTo("drift");
        assertThat(rows.get(1).get("verdict").asText()).isEqualTo("stable");
        assertThat(rows.get(1).get("ks_p_value_conservative").asDouble())
                .isEqualTo(rows.get(1).get("ks_p_value").asDouble());
    }

    @Test
    void sketchModeShowsTheConservativePValue() throws Exception {
        assertThat(run(
                        "--baseline",
                        path("baseline.jsonl"),
                        "--current",
                        path("current.jsonl"),
                        "--features",
                        "vdd",
                        "--mode",
                        "sketch",
                        "--format",
                        "json",
                        "--k",
                        "64"))
                .isEqualTo(0);
        JsonNode vdd = jsonLines().get(0);
        assertThat(vdd.get("mode").asText()).isEqualTo("sketch");
        double eps = vdd.get("rank_error_baseline").asDouble()
                + vdd.get("rank_error_current").asDouble();
        assertThat(eps).isPositive();
        assertThat(vdd.get("ks_d_lower").asDouble()).isCloseTo(vdd.get("ks_d").asDouble() - eps, within(1e-12));
        assertThat(vdd.get("verdict").asText()).isEqualTo("drift");
    }

    @Test
    void aBaselineFileFromTheBaselineCommandIsComparedInSketchMode() throws Exception {
        Path file = dir.resolve("baseline.json");
        assertThat(new BaselineCommand(new PrintStream(new ByteArrayOutputStream()), System.err)
                        .run(new String[] {"--input", path("baseline.jsonl"), "--out", file.toString()}))
                .isEqualTo(0);
        assertThat(run("--baseline", file.toString(), "--current", path("current.jsonl"), "--features", "vdd,idd"))
                .isEqualTo(0);
        String table = out.toString(StandardCharsets.UTF_8);
        assertThat(table).contains("p_cons").doesNotContain("psi_exact");
        assertThat(line(table, "vdd ", 2)).endsWith("drift");
        assertThat(line(table, "idd ", 2)).endsWith("stable");

        assertThat(run("--baseline", file.toString(), "--current", path("current.jsonl"), "--mode", "exact"))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("holds sketches", "--mode sketch");
    }

    @Test
    void badInputExitsWithTwoAndSaysWhy() throws Exception {
        Files.writeString(dir.resolve("empty.csv"), "vdd,idd\n,1\n,2\n");
        assertError("no such file", "--baseline", path("missing.jsonl"), "--current", path("current.jsonl"));
        assertError(
                "has no column 'vxx'",
                "--baseline",
                path("baseline.jsonl"),
                "--current",
                path("current.csv"),
                "--features",
                "vdd,vxx");
        assertError(
                "column 'lot_id' of",
                "--baseline",
                path("baseline.jsonl"),
                "--current",
                path("current.jsonl"),
                "--features",
                "lot_id");
        assertError(
                "is not numeric: \"L1\" at line 1",
                "--baseline",
                path("baseline.jsonl"),
                "--current",
                path("current.jsonl"),
                "--features",
                "lot_id");
        assertError(
                "column 'vdd' of " + path("empty.csv") + " has no values",
                "--baseline",
                path("baseline.jsonl"),
                "--current",
                path("empty.csv"),
                "--features",
                "vdd");
        assertError("Missing required option: '--current", "--baseline", path("baseline.jsonl"));
        assertError(
                "use exact, sketch or both",
                "--baseline",
                path("baseline.jsonl"),
                "--current",
                path("current.jsonl"),
                "--mode",
                "fast");
    }

    private void assertError(String message, String... args) throws Exception {
        err.reset();
        assertThat(run(args)).as("exit code of %s", Arrays.toString(args)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("waferflow drift: ")
                .contains(message);
    }

    private int run(String... args) throws Exception {
        out.reset();
        return new DriftCommand(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(args);
    }

    private String path(String name) {
        return dir.resolve(name).toString();
    }

    private List<JsonNode> jsonLines() throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        for (String l : out.toString(StandardCharsets.UTF_8).split("\n")) {
            rows.add(JSON.readTree(l));
        }
        return rows;
    }

    /** The {@code nth} line starting with {@code prefix} (the moments table is first, the tests table second). */
    private static String line(String text, String prefix, int nth) {
        return Arrays.stream(text.split("\n"))
                .filter(l -> l.startsWith(prefix))
                .skip(nth - 1L)
                .findFirst()
                .orElseThrow(
                        () -> new AssertionError("no line " + nth + " starting with '" + prefix + "' in\n" + text));
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).sum() / v.length;
    }

    /** Device-test-like records: ids, die coordinates, vdd ~ N(1.2 + shift, 0.02), idd ~ N(50, 2), pass_fail. */
    record Sample(double[] vdd, double[] idd) {

        static Sample draw(SplittableRandom random, int n, double vddShift) {
            double[] vdd = new double[n];
            double[] idd = new double[n];
            for (int i = 0; i < n; i++) {
                vdd[i] = 1.2 + vddShift + 0.02 * random.nextGaussian();
                idd[i] = 50 + 2 * random.nextGaussian();
            }
            return new Sample(vdd, idd);
        }

        void writeJsonLines(Path file) throws IOException {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < vdd.length; i++) {
                sb.append(String.format(
                        Locale.ROOT,
                        "{\"event_time\":\"2026-11-27T08:00:00Z\",\"lot_id\":\"L1\","
                                + "\"wafer_id\":\"W01\",\"device_id\":\"W01-%d\",\"die_x\":%d,\"die_y\":%d,"
                                + "\"vdd\":%s,\"idd\":%s,\"pass_fail\":1}%n",
                        i,
                        i % 30,
                        i / 30,
                        vdd[i],
                        idd[i]));
            }
            Files.writeString(file, sb);
        }

        void writeCsv(Path file) throws IOException {
            StringBuilder sb = new StringBuilder("device_id,vdd,idd,note\n");
            for (int i = 0; i < vdd.length; i++) {
                sb.append("W01-")
                        .append(i)
                        .append(',')
                        .append(vdd[i])
                        .append(',')
                        .append(idd[i])
                        .append(",\"retest, bin 1\"\n");
            }
            Files.writeString(file, sb);
        }
    }
}
