package io.waferflow.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waferflow.alerts.Alert;
import io.waferflow.cli.AlertsCommand;
import io.waferflow.cli.OfflineReportCommand;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.local.WaferTrafficGenerator;
import io.waferflow.model.AlertJson;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.HeadlessChromium;
import io.waferflow.testing.LocalServices;
import io.waferflow.testing.ParquetFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code waferflow report} over a real offline store, looked at as a person would: the production features job writes
 * the store from the demo's traffic (Vdd drift, a tester writing millivolts, a few broken records, one of them with a
 * script for a wafer id) and its alerts to a topic; {@code alerts tail --format json} exports the alerts; the report is
 * written and opened in headless Chromium, which must log nothing, show one wafer-map cell per tested die, one drift
 * chart per parameter, and yields, counts and drift windows equal to what the test wrote and the store holds.
 */
@Timeout(400)
class ReportITCase {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices().withMiniCluster();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MIN = 60_000;
    private static final List<String> PARAMETERS = List.of("vdd", "idd", "frequency", "temperature");
    private static final String SCRIPT_WAFER = "<script>console.error('not escaped')</script>";

    @TempDir
    Path tmp;

    @Test
    void theReportShowsTheOfflineStoreInABrowser() throws Exception {
        WaferTrafficGenerator.Settings settings = new WaferTrafficGenerator.Settings();
        settings.driftAfterWafers = 2;
        settings.unitErrorWafer = 1;
        List<byte[]> payloads = new ArrayList<>(new WaferTrafficGenerator(settings).take(24_000));
        // Broken records the job quarantines: none of them is a tested die.
        JsonNode first = JSON.readTree(payloads.get(0));
        String t = first.get("event_time").asText();
        payloads.add(2_000, "{not json".getBytes(StandardCharsets.UTF_8));
        payloads.add(
                4_000,
                ("{\"event_time\": \"" + t + "\", \"lot_id\": \"L1\", \"wafer_id\": \""
                                + SCRIPT_WAFER.replace("'", "\\u0027")
                                + "\", \"device_id\": \"D1\", \"die_x\": \"abc\","
                                + " \"die_y\": 1, \"vdd\": 1.2, \"idd\": 50, \"frequency\": 2000, \"test_time_ms\": 50,"
                                + " \"pass_fail\": 1}")
                        .getBytes(StandardCharsets.UTF_8));
        SERVICES.createTopics("report", 1);
        SERVICES.kafka().createTopic("report-alerts", 1);
        SERVICES.produce("report-in", payloads);
        FeaturesJobConfig config = SERVICES.config(
                tmp,
                "report",
                "feature_group.watermark.emit=per_record",
                "drift.window=2 min",
                "drift.baseline.from=stream_records",
                "drift.baseline.records=3000",
                "drift.min_baseline=1000",
                "drift.min_current=200",
                "alerts.sinks.kafka_topic=report-alerts");
        FeaturesJobRun.execute(config, "report-it");

        Path alerts = tmp.resolve("alerts.jsonl");
        ByteArrayOutputStream tail = new ByteArrayOutputStream();
        int tailed = new AlertsCommand(
                        new PrintStream(tail, true, StandardCharsets.UTF_8), System.err, Clock.systemUTC())
                .run(
                        "tail",
                        "--bootstrap",
                        SERVICES.kafka().bootstrapServers(),
                        "--topic",
                        "report-alerts",
                        "--format",
                        "json");
        assertThat(tailed).isZero();
        Files.write(alerts, tail.toByteArray());

        long started = System.nanoTime();
        Path html = Path.of("target", "report-it", "report.html").toAbsolutePath();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int code = new OfflineReportCommand(new PrintStream(printed, true, StandardCharsets.UTF_8))
                .run(
                        "--offline-root",
                        tmp.resolve("data").toString(),
                        "--alerts",
                        alerts.toString(),
                        "--out",
                        html.toString());
        long reportMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(code).as(printed.toString(StandardCharsets.UTF_8)).isZero();
        System.out.printf(
                "report written in %d ms: %s%s",
                reportMillis, printed.toString(StandardCharsets.UTF_8), System.lineSeparator());

        HeadlessChromium chromium = new HeadlessChromium(tmp.resolve("chromium"));
        HeadlessChromium.Page page = chromium.load(html.toUri());
        Path png = Path.of("target", "report.png").toAbsolutePath();
        chromium.screenshot(html.toUri(), png, 1400, 3000);

        // A person sees a picture, not a blank page, and the page logged nothing (no script error, no script at all).
        BufferedImage shot = ImageIO.read(png.toFile());
        assertThat(shot.getWidth()).isEqualTo(1400);
        assertThat(colours(shot)).as("distinct colours in the screenshot").isGreaterThan(20);
        assertThat(page.console()).as("console messages").isEmpty();
        assertThat(page.dom().toLowerCase(Locale.ROOT)).doesNotContain("<script");
        // The wafer id with a script is in the table of worst wafers, as text.
        assertThat(page.dom())
                .contains("<tr class=\"worst-wafer\"><td>&lt;script&gt;console.error('not escaped')&lt;/script&gt;");

        // One drift chart per parameter, with as many windows as the store holds for it.
        Map<String, Integer> driftRows = new TreeMap<>();
        ParquetFiles.read(tmp.resolve("data/_drift"))
                .forEach(r -> driftRows.merge(r.get("feature").toString(), 1, Integer::sum));
        assertThat(page.count("<svg class=\"drift-chart\"")).isEqualTo(PARAMETERS.size());
        for (String p : PARAMETERS) {
            assertThat(page.dom())
                    .contains("<svg class=\"drift-chart\" data-parameter=\"" + p + "\" data-windows=\""
                            + driftRows.get(p) + "\"");
        }
        assertThat(page.count("<svg class=\"histogram\""))
                .as("latest-window histograms")
                .isEqualTo(PARAMETERS.size());

        // Violations as the store holds them.
        int violations = ParquetFiles.read(tmp.resolve("data/_quarantine")).size();
        assertThat(page.dom()).contains("<p class=\"summary\">" + violations + " record violations (");

        // Wafer maps: the lowest-yield wafer and the latest, one cell per die the test wrote, the yield of those dies.
        Model model = new Model(payloads);
        String lowest = model.lowestYield();
        String latest = model.latest();
        assertThat(page.count("<svg class=\"wafer-map\"")).isEqualTo(lowest.equals(latest) ? 1 : 2);
        for (String wafer : Set.of(lowest, latest)) {
            Map<String, Boolean> dies = model.dies.get(wafer);
            assertThat(cellsOf(page.dom(), wafer)).as("cells of " + wafer).isEqualTo(dies.size());
            long passed = dies.values().stream().filter(b -> b).count();
            assertThat(page.dom())
                    .contains("<p class=\"yield\" data-wafer=\"" + wafer + "\">yield <b>"
                            + String.format(Locale.ROOT, "%.1f", 100.0 * passed / dies.size()) + " %</b> (" + passed
                            + " of " + dies.size() + " dies passed)");
        }

        // A chosen wafer coloured by a parameter from the raw archive: the same cells, a value scale for a legend.
        Path byVdd = html.resolveSibling("vdd.html");
        assertThat(new OfflineReportCommand(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                        .run(
                                "--offline-root",
                                tmp.resolve("data").toString(),
                                "--wafers",
                                lowest,
                                "--color-by",
                                "vdd",
                                "--out",
                                byVdd.toString()))
                .isZero();
        HeadlessChromium.Page vddPage = chromium.load(byVdd.toUri());
        assertThat(vddPage.console()).isEmpty();
        assertThat(vddPage.count("<svg class=\"wafer-map\"")).isEqualTo(1);
        assertThat(cellsOf(vddPage.dom(), lowest))
                .isEqualTo(model.dies.get(lowest).size());
        assertThat(vddPage.dom()).contains("colour: vdd").contains(", vdd 1.");

        // --from: only the drift windows ending after it.
        List<Long> vddEnds = ParquetFiles.read(tmp.resolve("data/_drift")).stream()
                .filter(r -> r.get("feature").toString().equals("vdd"))
                .map(r -> (Long) r.get("window_end"))
                .sorted()
                .toList();
        long from = vddEnds.get(1);
        Path later = html.resolveSibling("later.html");
        assertThat(new OfflineReportCommand(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                        .run(
                                "--offline-root",
                                tmp.resolve("data").toString(),
                                "--from",
                                Instant.ofEpochMilli(from).toString(),
                                "--out",
                                later.toString()))
                .isZero();
        assertThat(Files.readString(later))
                .contains("data-parameter=\"vdd\" data-windows=\""
                        + vddEnds.stream().filter(e -> e > from).count() + "\"");

        // The alert history: one row per episode on the topic.
        Set<String> episodes = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : SERVICES.readCommitted("report-alerts")) {
            Alert a = AlertJson.fromJson(r.value());
            episodes.add(a.alertId);
        }
        assertThat(episodes).isNotEmpty();
        assertThat(page.count("<tr class=\"alert\"")).isEqualTo(episodes.size());
        assertThat(page.dom()).contains("<a class=\"runbook\" href=\"");
    }

    /** The cells of one wafer's map in the DOM. */
    private static int cellsOf(String dom, String wafer) {
        Matcher m = Pattern.compile(
                        "<svg class=\"wafer-map\" data-wafer=\"" + Pattern.quote(wafer) + "\"[^>]*>(.*?)</svg>",
                        Pattern.DOTALL)
                .matcher(dom);
        assertThat(m.find()).as("a map of " + wafer).isTrue();
        Matcher cell = Pattern.compile("<rect data-die=\"").matcher(m.group(1));
        int n = 0;
        while (cell.find()) {
            n++;
        }
        return n;
    }

    private static int colours(BufferedImage image) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                seen.add(image.getRGB(x, y));
            }
        }
        return seen.size();
    }

    /** What the test wrote: per wafer, each die's latest result, and when each wafer's last die was tested. */
    private static final class Model {
        final Map<String, Map<String, Boolean>> dies = new HashMap<>();
        final Map<String, Long> lastTest = new HashMap<>();

        Model(List<byte[]> payloads) {
            Map<String, Long> dieTime = new HashMap<>();
            for (byte[] p : payloads) {
                JsonNode r;
                try {
                    r = JSON.readTree(p);
                } catch (Exception e) {
                    continue; // the unparseable one
                }
                if (!r.get("die_x").isInt()) {
                    continue; // the quarantined one
                }
                String wafer = r.get("wafer_id").asText();
                String die = r.get("die_x").asInt() + "," + r.get("die_y").asInt();
                long t = Instant.parse(r.get("event_time").asText()).toEpochMilli();
                if (dieTime.getOrDefault(wafer + "/" + die, Long.MIN_VALUE) <= t) {
                    dieTime.put(wafer + "/" + die, t);
                    dies.computeIfAbsent(wafer, k -> new HashMap<>())
                            .put(die, r.get("pass_fail").asInt() == 1);
                }
                lastTest.merge(wafer, t, Math::max);
            }
        }

        /** The lowest yield among wafers with at least half the dies of the largest (partial wafers are noisy). */
        String lowestYield() {
            int largest = dies.values().stream().mapToInt(Map::size).max().orElseThrow();
            return dies.entrySet().stream()
                    .filter(w -> 2 * w.getValue().size() >= largest)
                    .min(Map.Entry.<String, Map<String, Boolean>>comparingByValue(java.util.Comparator.comparingDouble(
                                    d -> d.values().stream().filter(b -> b).count() / (double) d.size()))
                            .thenComparing(Map.Entry.comparingByKey()))
                    .orElseThrow()
                    .getKey();
        }

        /** The wafer of the last wafer window (1-minute windows), the greatest id among those ending then. */
        String latest() {
            return lastTest.entrySet().stream()
                    .max(java.util.Comparator.comparingLong(
                                    (Map.Entry<String, Long> e) -> Math.floorDiv(e.getValue(), MIN))
                            .thenComparing(Map.Entry.comparingByKey()))
                    .orElseThrow()
                    .getKey();
        }
    }
}
