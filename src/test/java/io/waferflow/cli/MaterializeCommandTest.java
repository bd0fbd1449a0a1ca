package io.waferflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waferflow.TestConfigs;
import io.waferflow.config.ConfigException;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.features.WaferFeatures;
import io.waferflow.local.services.LocalRedis;
import io.waferflow.model.FeatureColumns;
import io.waferflow.stores.offline.FeatureRowAvro;
import io.waferflow.stores.offline.ParquetBulkWriterFactory;
import io.waferflow.stores.online.FeatureRowToRedis;
import io.waferflow.stores.online.PackedFeatures;
import io.waferflow.stores.online.RedisClients;
import io.waferflow.stores.online.RedisHashWrite;
import io.waferflow.testing.RedisServerProcess;
import io.waferflow.testing.RedisTopology;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.FileSystem.WriteMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;

/**
 * {@code materialize} on Parquet written by the offline store's own writer, against a real redis-server: each wafer's
 * newest committed row becomes its online row exactly as the job maps it, with the job version that computed it; a
 * newer row in Redis stays; a second run writes nothing; {@code --since} skips wafers whose newest row ended before;
 * in-progress files are not read; into a three-master Redis Cluster too. (On rows written by a real job run, and beside
 * a running job: MaterializeITCase.)
 */
class MaterializeCommandTest {

    private static final long END_1 = Instant.parse("2026-11-27T10:01:00Z").toEpochMilli();
    private static final long END_2 = END_1 + 60_000;
    private static final long END_3 = END_2 + 60_000;

    private static LocalRedis redis;
    private static Jedis jedis;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        redis = LocalRedis.start();
        jedis = RedisClients.jedis(redis.connection());
    }

    @AfterAll
    static void stop() throws Exception {
        jedis.close();
        redis.close();
    }

    @BeforeEach
    void empty() {
        jedis.flushAll();
        redisSettings = List.of("redis.host=" + redis.host(), "redis.port=" + redis.port());
    }

    /** The local redis-server; a test that materializes elsewhere sets another. */
    private List<String> redisSettings;

    private List<String> settings() {
        List<String> settings = new ArrayList<>(redisSettings);
        settings.addAll(List.of("offline.root=" + tmp.resolve("data"), "redis.key_prefix=mct", "redis.ttl=1 h"));
        return settings;
    }

    private FeaturesJobConfig config() {
        return TestConfigs.features(settings());
    }

    /** Runs {@code materialize --group wafer_aggregates <args> --set ...}; what it printed. */
    private String materialize(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("--group", "wafer_aggregates"));
        argv.addAll(List.of(args));
        for (String s : settings()) {
            argv.add("--set");
            argv.add(s);
        }
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        int code = new MaterializeCommand(new PrintStream(shown, true, StandardCharsets.UTF_8))
                .run(argv.toArray(new String[0]));
        assertThat(code).as("exit code").isZero();
        return shown.toString(StandardCharsets.UTF_8);
    }

    /** A row of the four default parameters, every value distinct, temperature's std null (NaN). */
    private static WaferFeatures row(String wafer, long windowEnd, int revision, double base) {
        WaferFeatures f = new WaferFeatures();
        f.waferId = wafer;
        f.lotId = "LT";
        f.windowStart = windowEnd - 60_000;
        f.windowEnd = windowEnd;
        f.revision = revision;
        f.deviceCount = 30 + revision;
        f.yieldPct = base;
        f.mean = values(base + 1);
        f.std = values(base + 2);
        f.std[3] = Double.NaN;
        f.min = values(base + 3);
        f.max = values(base + 4);
        f.p50 = values(base + 5);
        f.p95 = values(base + 6);
        f.nullRate = values(0.125);
        f.flaggedRate = values(0.0625);
        f.avgTestTimeMs = base + 7;
        f.neighborYieldAvg = 0.5;
        f.devicesFlaggedPct = 2.5;
        f.quarantineRate = 0.03125;
        return f;
    }

    private static double[] values(double first) {
        return new double[] {first, first + 0.25, first + 0.5, first + 0.75};
    }

    /** A Parquet file written by the offline store's writer, under the version's date partition. */
    private void write(String fileName, String jobVersion, WaferFeatures... rows) throws Exception {
        write(new FeatureColumns(config().schema().parameterNames()), fileName, jobVersion, rows);
    }

    private void write(FeatureColumns columns, String fileName, String jobVersion, WaferFeatures... rows)
            throws Exception {
        FeatureRowAvro avro = new FeatureRowAvro(columns, "wafer_aggregates", "v1", jobVersion);
        Path file = tmp.resolve("data/wafer_aggregates/version=v1/date=2026-11-27/" + fileName);
        Files.createDirectories(file.getParent());
        try (FSDataOutputStream out = FileSystem.getLocalFileSystem()
                .create(new org.apache.flink.core.fs.Path(file.toUri()), WriteMode.NO_OVERWRITE)) {
            BulkWriter<WaferFeatures> writer = new ParquetBulkWriterFactory<>(avro.schema(), avro).create(out);
            for (WaferFeatures r : rows) {
                writer.addElement(r);
            }
            writer.finish();
        }
    }

    /** The hash the job writes for {@code row} (its own mapping), without the write time. */
    private Map<String, String> asTheJobWrites(WaferFeatures row, String jobVersion) {
        FeaturesJobConfig c = config();
        RedisHashWrite w = new FeatureRowToRedis(
                        new FeatureColumns(c.schema().parameterNames()),
                        "mct",
                        "wafer_aggregates",
                        "v1",
                        jobVersion,
                        3600)
                .map(row);
        Map<String, String> hash = new HashMap<>();
        for (int i = 0; i < w.fields.length; i++) {
            hash.put(w.fields[i], w.values[i]);
        }
        hash.remove("updated_at");
        return PackedFeatures.flatten(hash);
    }

    private static Map<String, String> withoutWriteTime(Map<String, String> hash) {
        Map<String, String> copy = new HashMap<>(hash);
        copy.remove("updated_at");
        return copy;
    }

    @Test
    void aRowOfTheSameWindowWrittenAFieldPerFeatureByRelease010IsRewrittenPacked() throws Exception {
        WaferFeatures w1 = row("W1", END_1, 0, 91);
        write("part-a-0.parquet", "0.1.0", w1);
        // What 0.1.0 wrote for the same window: a hash field per feature, no packed features.
        Map<String, String> perField = new HashMap<>(asTheJobWrites(w1, "0.1.0"));
        jedis.hset("mct:wafer_aggregates:v1:W1", perField);

        assertThat(materialize("--version", "v1")).containsPattern("written +1 ");

        assertThat(jedis.hget("mct:wafer_aggregates:v1:W1", "features"))
                .as("packed now")
                .startsWith("{\"device_count\":");
        assertThat(withoutWriteTime(PackedFeatures.flatten(jedis.hgetAll("mct:wafer_aggregates:v1:W1"))))
                .isEqualTo(perField);
        assertThat(materialize("--version", "v1")).as("a second run").containsPattern("written +0 ");
    }

    @Test
    void eachWafersNewestRowIsWrittenAsTheJobWritesItAndNewerRowsStay() throws Exception {
        WaferFeatures w1Old = row("W1", END_1, 0, 90);
        WaferFeatures w1 = row("W1", END_2, 1, 91);
        WaferFeatures w2 = row("W2", END_1, 0, 92);
        WaferFeatures w3 = row("W3", END_1, 0, 93);
        write("part-a-0.parquet", "0.1.0", w1Old, w2, w3);
        write("part-b-0.parquet", "0.2.0", w1);
        // Not final yet (or of a dead attempt): never read.
        write(".part-c-0.parquet.inprogress.0", "0.2.0", row("W2", END_3, 0, 99));
        // Redis holds a newer window of W3 than the offline store.
        jedis.hset(
                "mct:wafer_aggregates:v1:W3",
                Map.of("window_end", Long.toString(END_3), "revision", "0", "features", "{\"yield_pct\":-1.0}"));

        long before = System.currentTimeMillis();
        String report = materialize("--version", "v1");
        long after = System.currentTimeMillis();

        assertThat(report)
                .containsPattern("rows read +4 +in 2 committed files")
                .containsPattern("entities +3 ")
                .containsPattern("written +2 ")
                .containsPattern("kept +1 +Redis holds the same window \\(0\\) or a newer one \\(1\\)")
                .containsPattern("skipped by --since +0 ")
                .contains("note: Redis names no version of wafer_aggregates to serve (mct:serving:wafer_aggregates is"
                        + " gone); readers need one: bin/waferflow version switch v1 --group wafer_aggregates");
        Map<String, String> got1 = PackedFeatures.flatten(jedis.hgetAll("mct:wafer_aggregates:v1:W1"));
        assertThat(withoutWriteTime(got1)).isEqualTo(asTheJobWrites(w1, "0.2.0"));
        // The same, spelled out: W1's newest window, the version of the job that wrote its file, nulls empty.
        assertThat(got1)
                .containsEntry("window_end", Long.toString(END_2))
                .containsEntry("revision", "1")
                .containsEntry("device_count", "31")
                .containsEntry("yield_pct", "91.0")
                .containsEntry("vdd_mean", "92.0")
                .containsEntry("temperature_std", "")
                .containsEntry("dq_idd_null_rate", "0.375")
                .containsEntry("dq_quarantine_rate", "0.03125")
                .containsEntry("lot_id", "LT")
                .containsEntry("feature_version", "v1")
                .containsEntry("job_version", "0.2.0");
        assertThat(Long.parseLong(got1.get("updated_at")))
                .as("updated_at: when materialize wrote the row")
                .isBetween(before, after);
        assertThat(jedis.ttl("mct:wafer_aggregates:v1:W1")).isBetween(3500L, 3600L);
        assertThat(withoutWriteTime(PackedFeatures.flatten(jedis.hgetAll("mct:wafer_aggregates:v1:W2"))))
                .isEqualTo(asTheJobWrites(w2, "0.1.0"));
        assertThat(jedis.hget("mct:wafer_aggregates:v1:W3", "features"))
                .as("a newer row in Redis stays")
                .isEqualTo("{\"yield_pct\":-1.0}");

        jedis.hset("mct:serving:wafer_aggregates", "current", "v1");
        assertThat(materialize("--version", "v1"))
                .as("a second run")
                .doesNotContain("note:")
                .containsPattern("written +0 ")
                .containsPattern("kept +3 +Redis holds the same window \\(2\\) or a newer one \\(1\\)");
        assertThat(jedis.hget("mct:wafer_aggregates:v1:W1", "updated_at")).isEqualTo(got1.get("updated_at"));
    }

    /** In a Redis Cluster: the pre-read and the writes reach every master; rows read back through JedisCluster. */
    @Test
    void materializesIntoAClusterOfThreeMasters() throws Exception {
        try (RedisTopology cluster = RedisTopology.cluster(tmp.resolve("cluster"));
                JedisCluster reader = RedisClients.cluster(cluster.connection(), new GenericObjectPoolConfig<>())) {
            redisSettings = cluster.settings();
            List<WaferFeatures> rows = new ArrayList<>();
            for (int w = 0; w < 30; w++) {
                rows.add(row(String.format("C%02d", w), END_2, 0, 60 + w));
            }
            write("part-a-0.parquet", "0.2.0", rows.toArray(new WaferFeatures[0]));
            reader.hset(
                    "mct:wafer_aggregates:v1:C07",
                    Map.of("window_end", Long.toString(END_3), "revision", "0", "features", "{}"));

            assertThat(materialize("--version", "v1"))
                    .containsPattern("entities +30 ")
                    .containsPattern("written +29 ")
                    .containsPattern("kept +1 +Redis holds the same window \\(0\\) or a newer one \\(1\\)");
            for (WaferFeatures r : rows) {
                Map<String, String> stored =
                        PackedFeatures.flatten(reader.hgetAll("mct:wafer_aggregates:v1:" + r.waferId));
                if (r.waferId.equals("C07")) {
                    assertThat(stored).as("a newer row stays").containsEntry("window_end", Long.toString(END_3));
                } else {
                    assertThat(withoutWriteTime(stored)).as(r.waferId).isEqualTo(asTheJobWrites(r, "0.2.0"));
                }
            }
            for (RedisServerProcess master : cluster.servers()) {
                try (Jedis node = new Jedis(master.host(), master.port())) {
                    assertThat(node.keys("mct:wafer_aggregates:v1:*"))
                            .as("rows on master %d", master.port())
                            .isNotEmpty();
                }
            }
            assertThat(materialize("--version", "v1"))
                    .as("a second run")
                    .containsPattern("written +0 ")
                    .containsPattern("kept +30 ");
        }
    }

    @Test
    void sinceSkipsWafersWhoseNewestRowEndedBefore() throws Exception {
        write("part-a-0.parquet", "0.2.0", row("W1", END_1, 0, 90), row("W2", END_1, 0, 91), row("W2", END_2, 0, 92));

        String report = materialize(
                "--version", "v1", "--since", Instant.ofEpochMilli(END_2).toString());

        assertThat(report)
                .containsPattern("entities +2 ")
                .containsPattern("written +1 ")
                .containsPattern("skipped by --since +1 +newest row ended before 2026-11-27T10:02:00Z");
        assertThat(jedis.hget("mct:wafer_aggregates:v1:W2", "window_end"))
                .as("a window that ended at --since is included")
                .isEqualTo(Long.toString(END_2));
        assertThat(jedis.exists("mct:wafer_aggregates:v1:W1")).isFalse();
    }

    @Test
    void rowsOfAnotherInputSchemaAreRefusedNamingTheMissingColumns() throws Exception {
        // Written by a job whose schema declared only vdd and idd: no frequency or temperature columns.
        write(new FeatureColumns(List.of("vdd", "idd")), "part-a-0.parquet", "0.2.0", row("W1", END_1, 0, 90));

        assertThatThrownBy(() -> materialize("--version", "v1"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.fields")
                .hasMessageContaining("frequency_mean")
                .hasMessageContaining("--config");
        assertThat(jedis.dbSize()).isZero();
    }

    @Test
    void aVersionWithoutOfflineRowsIsAConfigurationErrorAndTheVersionIsRequired() throws Exception {
        assertThatThrownBy(() -> materialize("--version", "v1"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("wafer_aggregates/version=v1")
                .hasMessageContaining("does not exist");
        write("part-a-0.parquet", "0.2.0", row("W1", END_1, 0, 90));

        // A version the registry does not know is refused before any store is read.
        assertThatThrownBy(() -> materialize("--version", "v9"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("version 'v9' of wafer_aggregates is not registered");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CommandRunner.run(
                new picocli.CommandLine(new MaterializeCommand()),
                System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8),
                "--group",
                "wafer_aggregates");
        assertThat(code).isEqualTo(CommandRunner.USAGE_ERROR);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Missing required option: '--version=V'");
        assertThat(jedis.dbSize()).isZero();
    }
}
