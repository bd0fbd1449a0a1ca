package io.waferflow.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.stores.online.PackedFeatures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import redis.clients.jedis.Jedis;

/**
 * Three tester files of two wafers, as the STDF ITCases read them: {@code a.stdf} (wafer WS1, little-endian, 2 sites),
 * {@code b.stdf.gz} (WS2's first dies, big-endian, 3 sites, gzip) and {@code c.stdf} (WS2's other dies, tested later,
 * little-endian, 2 sites, cut in the middle of a record after its 8th part). The feature rows expected of them come
 * from {@link ExpectedFeatures} over the dies the test wrote (for the truncated file: the parts whose PRR was written
 * whole), with 1-hour windows so that every die of a wafer is in one window whatever order files are read in.
 */
public final class StdfFixture {

    public static final long T0 = Instant.parse("2026-11-27T08:00:00Z").toEpochMilli();
    public static final long WINDOW = 3_600_000;
    public static final long LATENESS = 30_000;
    public static final long BOUND = 5_000;
    /** The truncated file's parts kept: those up to this one (0-based, PRR order). */
    private static final int LAST_KEPT = 7;

    /** Settings of the runs: blocking off (the truncated file's good parts are kept), 1-hour windows. */
    public static final String[] SETTINGS = {"stdf.block_on=none", "feature_group.window.size=1 h"};

    public final List<Path> files;
    public final List<TestDie> dies;

    private StdfFixture(List<Path> files, List<TestDie> dies) {
        this.files = files;
        this.dies = dies;
    }

    /** Writes the files into {@code dir}. */
    public static StdfFixture writeInto(Path dir) throws IOException {
        Files.createDirectories(dir);
        StdfWaferFile a =
                StdfWaferFile.write("LS1", "WS1", "tester-1", T0 + 60_000, 0, 40, 8, 2, 11, ByteOrder.LITTLE_ENDIAN);
        StdfWaferFile b =
                StdfWaferFile.write("LS1", "WS2", "tester-2", T0 + 120_000, 0, 24, 8, 3, 12, ByteOrder.BIG_ENDIAN);
        StdfWaferFile c =
                StdfWaferFile.write("LS1", "WS2", "tester-2", T0 + 600_000, 24, 16, 8, 2, 13, ByteOrder.LITTLE_ENDIAN);
        List<Path> files = List.of(
                a.writeTo(dir.resolve("a.stdf")),
                Files.write(dir.resolve("b.stdf.gz"), gzip(b.bytes())),
                Files.write(dir.resolve("c.stdf"), c.truncatedAfter(LAST_KEPT, 3)));
        List<TestDie> dies = new ArrayList<>(a.dies());
        dies.addAll(b.dies());
        dies.addAll(c.diesUpTo(LAST_KEPT));
        return new StdfFixture(files, dies);
    }

    /** The truncated file's name. */
    public String truncatedFile() {
        return files.get(2).getFileName().toString();
    }

    public ExpectedFeatures expected() {
        ExpectedFeatures e = ExpectedFeatures.compute(dies, Set.of(), WINDOW, LATENESS, BOUND);
        assertThat(e.rows).as("one window per wafer").hasSize(2);
        return e;
    }

    /** The job's committed Parquet rows and its Redis hashes (key prefix {@code name}) equal the expected rows. */
    public void assertStores(Path offlineRoot, Jedis jedis, String name) {
        ExpectedFeatures expected = expected();
        FeaturesJobRun.assertRowsEqualModel(
                ParquetFiles.rowsByWindow(offlineRoot.resolve("wafer_aggregates/version=v1"), "wafer_id"),
                expected.rows,
                "offline rows");
        for (Map.Entry<String, ExpectedFeatures.Row> e :
                expected.newestPerWafer().entrySet()) {
            Map<String, String> hash =
                    PackedFeatures.flatten(jedis.hgetAll(name + ":wafer_aggregates:v1:" + e.getKey()));
            FeaturesJobRun.assertOnlineEqualsModel(hash, e.getValue(), "online " + e.getKey());
        }
        // What a user reads first, checked against the plain counts too.
        for (ExpectedFeatures.Row row : expected.rows.values()) {
            List<TestDie> of =
                    dies.stream().filter(d -> d.wafer().equals(row.wafer)).toList();
            double yield = 100.0 * of.stream().filter(TestDie::pass).count() / of.size();
            double vddMean = of.stream().mapToDouble(TestDie::vdd).average().orElseThrow();
            assertThat(row.features.get("yield_pct"))
                    .as(row.wafer + " yield_pct")
                    .isCloseTo(yield, within());
            assertThat(row.features.get("vdd_mean")).as(row.wafer + " vdd_mean").isCloseTo(vddMean, within());
        }
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-9);
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(bytes);
        }
        return out.toByteArray();
    }
}
