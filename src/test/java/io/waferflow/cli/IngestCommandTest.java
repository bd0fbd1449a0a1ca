package io.waferflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waferflow.config.ConfigException;
import io.waferflow.testing.StdfWaferFile;
import io.waferflow.testing.TestDie;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ingest stdf} without Kafka: {@code --out -} prints one JSON line per part with what the file holds; a file the
 * blocking policy blocks prints none and makes the exit code {@link IngestCommand#BLOCKED}; {@code --follow} ingests a
 * file dropped into the directory and moves it to done/ (or rejected/ when blocked).
 */
@Timeout(120)
class IngestCommandTest {

    private static final long T0 = Instant.parse("2026-11-27T08:00:00Z").toEpochMilli();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final ExecutorService background = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopBackground() {
        background.shutdownNow();
    }

    private IngestCommand command() {
        return new IngestCommand(
                new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
    }

    private static StdfWaferFile wafer(String id, int dies, long seed) {
        return StdfWaferFile.write("L7", id, "tester-3", T0, 0, dies, 6, 2, seed, ByteOrder.LITTLE_ENDIAN);
    }

    private static List<JsonNode> lines(String text) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    /** Each line is one die, in PRR order, with the values and event time written. */
    private static void assertLinesAreDies(List<JsonNode> lines, List<TestDie> dies) {
        assertThat(lines).hasSameSizeAs(dies);
        for (int i = 0; i < dies.size(); i++) {
            TestDie d = dies.get(i);
            JsonNode l = lines.get(i);
            String what = "line " + i;
            assertThat(l.get("wafer_id").asText()).as(what).isEqualTo(d.wafer());
            assertThat(l.get("lot_id").asText()).as(what).isEqualTo(d.lot());
            assertThat(l.get("event_time").asLong()).as(what).isEqualTo(d.time());
            assertThat(l.get("die_x").asInt()).as(what).isEqualTo(d.x());
            assertThat(l.get("die_y").asInt()).as(what).isEqualTo(d.y());
            assertThat(l.get("pass_fail").asInt()).as(what).isEqualTo(d.pass() ? 1 : 0);
            assertThat(l.get("test_time_ms").asDouble()).as(what).isEqualTo(d.testTimeMs());
            assertThat(l.get("vdd").asDouble()).as(what).isEqualTo(d.vdd());
            assertThat(l.get("idd").asDouble()).as(what).isEqualTo(d.idd());
            assertThat(l.get("frequency").asDouble()).as(what).isEqualTo(d.frequency());
            assertThat(l.get("temperature").asDouble()).as(what).isEqualTo(d.temperature());
            assertThat(l.get("tester_id").asText()).as(what).isEqualTo("tester-3");
        }
    }

    @Test
    void outDashPrintsOneJsonLinePerPartAndTheReportOnStderr() throws Exception {
        StdfWaferFile w = wafer("W1", 13, 1);
        Path file = w.writeTo(tmp.resolve("w1.stdf"));
        Path reports = tmp.resolve("reports.jsonl");

        int code = command().run("stdf", file.toString(), "--out", "-", "--report", reports.toString());

        assertThat(code).as(stderr.toString(StandardCharsets.UTF_8)).isZero();
        assertLinesAreDies(lines(stdout.toString(StandardCharsets.UTF_8)), w.dies());
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("w1.stdf");
        List<String> written = Files.readAllLines(reports);
        assertThat(written).hasSize(1);
        assertThat(JSON.readTree(written.get(0)).isObject()).isTrue();
        assertThat(written.get(0)).contains("w1.stdf");
    }

    @Test
    void aBlockedFilePublishesNoPartAndExitsWithBlocked() throws Exception {
        StdfWaferFile good = wafer("W1", 8, 2);
        StdfWaferFile cut = wafer("W2", 10, 3);
        Path goodFile = good.writeTo(tmp.resolve("a.stdf"));
        Path cutFile = Files.write(tmp.resolve("b.stdf"), cut.truncatedAfter(5, 3));

        int code = command().run("stdf", goodFile.toString(), cutFile.toString(), "--out", "-");

        // The default stdf.block_on is critical, and a truncated file is a critical issue.
        assertThat(code).isEqualTo(IngestCommand.BLOCKED);
        assertLinesAreDies(lines(stdout.toString(StandardCharsets.UTF_8)), good.dies());
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("b.stdf").contains("stdf_truncated");
    }

    @Test
    void withBlockingOffTheGoodPartsOfATruncatedFileAreKept() throws Exception {
        StdfWaferFile cut = wafer("W2", 10, 3);
        Path cutFile = Files.write(tmp.resolve("b.stdf"), cut.truncatedAfter(5, 3));

        int code = command().run("stdf", cutFile.toString(), "--out", "-", "--set", "stdf.block_on=none");

        assertThat(code).isZero();
        assertLinesAreDies(lines(stdout.toString(StandardCharsets.UTF_8)), cut.diesUpTo(5));
    }

    @Test
    void testerSpeedTakesAsLongAsTheTesterDid() throws Exception {
        StdfWaferFile w = wafer("W3", 10, 4);
        Path file = w.writeTo(tmp.resolve("w3.stdf"));
        long first = w.dies().stream().mapToLong(TestDie::time).min().orElseThrow();
        long last = w.dies().stream().mapToLong(TestDie::time).max().orElseThrow();

        long start = System.nanoTime();
        int code = command().run("stdf", file.toString(), "--out", "-", "--speed", "tester");
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(code).isZero();
        assertLinesAreDies(lines(stdout.toString(StandardCharsets.UTF_8)), w.dies());
        assertThat(last - first).as("the fixture spans some event time").isGreaterThan(300);
        assertThat(tookMillis).isGreaterThanOrEqualTo(last - first);
    }

    @Test
    void stopEndsAPacedRunAtOnceAndSaysItDidNotFinish() throws Exception {
        // One site: some 30 parts of 100-300 ms each, several seconds at tester speed.
        StdfWaferFile w = StdfWaferFile.write("L7", "W4", "tester-3", T0, 0, 30, 6, 1, 9, ByteOrder.BIG_ENDIAN);
        Path file = w.writeTo(tmp.resolve("w4.stdf"));
        IngestCommand command = command();
        Future<Integer> running =
                background.submit(() -> command.run("stdf", file.toString(), "--out", "-", "--speed", "tester"));
        Thread.sleep(500);

        long stopped = System.nanoTime();
        command.stop();
        assertThat(running.get(30, TimeUnit.SECONDS)).isEqualTo(IngestCommand.STOPPED);
        assertThat((System.nanoTime() - stopped) / 1_000_000).as("ms to stop").isLessThan(1_000);
        List<JsonNode> published = lines(stdout.toString(StandardCharsets.UTF_8));
        assertThat(published).isNotEmpty().hasSizeLessThan(w.dies().size());
        assertLinesAreDies(published, w.dies().subList(0, published.size()));
    }

    @Test
    void followIngestsADroppedFileAndMovesIt() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("drop"));
        Path out = tmp.resolve("parts.jsonl");
        IngestCommand command = command();
        Future<Integer> running = background.submit(
                () -> command.run("stdf", "--follow", dir.toString(), "--out", out.toString(), "--poll", "100 ms"));

        StdfWaferFile w = wafer("W5", 9, 5);
        // Written under a hidden name and renamed, as copy tools do: never read half-written.
        Files.move(w.writeTo(dir.resolve(".w5.stdf.tmp")), dir.resolve("w5.stdf"));
        awaitFile(dir.resolve("done/w5.stdf"));
        assertThat(dir.resolve("w5.stdf")).doesNotExist();
        assertLinesAreDies(lines(Files.readString(out)), w.dies());

        Files.write(dir.resolve("cut.stdf.gz"), gzip(wafer("W6", 6, 6).truncatedAfter(1, 2)));
        awaitFile(dir.resolve("rejected/cut.stdf.gz"));

        command.stop();
        assertThat(running.get(30, TimeUnit.SECONDS)).isEqualTo(IngestCommand.BLOCKED);
        assertLinesAreDies(lines(Files.readString(out)), w.dies());
    }

    @Test
    void neitherFilesNorFollowIsAUsageError() {
        assertThatThrownBy(() -> command().run("stdf", "--out", "-"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--follow");
    }

    private static byte[] gzip(byte[] bytes) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(b)) {
            z.write(bytes);
        }
        return b.toByteArray();
    }

    private static void awaitFile(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!Files.exists(file)) {
            assertThat(System.nanoTime()).as(file + " within 30 s").isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
