package io.waferflow.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waferflow.alerts.Alert;
import io.waferflow.alerts.AlertStatus;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.local.WaferTrafficGenerator;
import io.waferflow.model.AlertJson;
import io.waferflow.stores.online.DriftMetricToRedis;
import io.waferflow.stores.online.PackedFeatures;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.HeadlessChromium;
import io.waferflow.testing.LocalServices;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve}'s live page ({@code /ui}) in headless Chromium while data arrives, as a person would watch it: the
 * production features job writes wafers to a real Redis, the raw archive and an alert topic; the page, left open, shows
 * a wafer map with one cell per die the test wrote for each wafer shown, one drift status per parameter with the
 * verdict Redis holds, and the alerts the topic says are firing; then the job writes more wafers and the same page,
 * without a reload, shows them at its next poll. The page logs nothing.
 */
@Timeout(180)
class LivePageITCase {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices().withMiniCluster();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern MAP = Pattern.compile("<svg class=\"wafer-map\" data-wafer=\"([^\"]+)\"(.*?)</svg>");

    @TempDir
    Path tmp;

    @Test
    void theLivePageShowsWhatTheJobWritesAndFollowsIt() throws Exception {
        long started = System.nanoTime();
        WaferTrafficGenerator.Settings settings = new WaferTrafficGenerator.Settings();
        settings.testers = 2;
        settings.driftAfterWafers = 1;
        WaferTrafficGenerator traffic = new WaferTrafficGenerator(settings);
        List<byte[]> first = traffic.take(2_000);
        List<byte[]> second = traffic.take(1_600);
        SERVICES.createTopics("live", 1);
        SERVICES.kafka().createTopic("live2-in", 1);
        SERVICES.kafka().createTopic("live-alerts", 1);
        SERVICES.produce("live-in", first);
        String[] settingsOf = {
            "feature_group.watermark.emit=per_record",
            "drift.window=1 min",
            "drift.baseline.from=stream_records",
            "drift.baseline.records=500",
            "drift.min_baseline=200",
            "drift.min_current=50",
            "alerts.sinks.kafka_topic=live-alerts",
            "serving.port=0"
        };
        FeaturesJobConfig config = SERVICES.config(tmp, "live", settingsOf);
        FeaturesJobRun.execute(config, "live-1");
        long firstRun = System.nanoTime();

        Model model = new Model(first);
        try (FeatureServer server = FeatureServer.start(config);
                HeadlessChromium.Session page = new HeadlessChromium(tmp.resolve("chromium"))
                        .open(URI.create(server.url() + "/ui"), 1400, 1800)) {
            page.await("document.querySelectorAll('#live svg.wafer-map').length > 0", Duration.ofSeconds(20));
            Set<String> shownFirst = assertPageShows(page.dom(), model, config);
            page.screenshot(Path.of("target", "live-page.png").toAbsolutePath());
            long polls = page.evaluate("Number(document.getElementById('live').dataset.polls)")
                    .asLong();

            // More wafers arrive: the open page shows them at its next poll, without a reload.
            SERVICES.produce("live2-in", second);
            FeaturesJobRun.execute(
                    SERVICES.config("live2", "live", tmp, concat(settingsOf, "drift.enabled=false")), "live-2");
            model = new Model(concat(first, second));
            String newest = model.newestWafer();
            assertThat(shownFirst)
                    .as("the newest wafer of the second batch was not on the page before")
                    .doesNotContain(newest);
            page.await(
                    "document.querySelector('#live svg.wafer-map[data-wafer=\"" + newest + "\"]') !== null",
                    Duration.ofSeconds(20));
            // Its dies reach the archive with the job's last checkpoint: wait for the poll that brings them all.
            String want = "document.querySelector('#live svg.wafer-map[data-wafer=\"" + newest + "\"]')"
                    + ".querySelectorAll('rect[data-die]').length === "
                    + model.dies.get(newest).size();
            page.await(want, Duration.ofSeconds(20));
            assertThat(page.evaluate("Number(document.getElementById('live').dataset.polls)")
                            .asLong())
                    .isGreaterThan(polls);
            assertPageShows(page.dom(), model, config);
            Path png = Path.of("target", "live-page-updated.png").toAbsolutePath();
            page.screenshot(png);
            BufferedImage shot = ImageIO.read(png.toFile());
            assertThat(shot.getWidth()).isEqualTo(1400);
            assertThat(page.console())
                    .as("console messages, exceptions and browser log entries")
                    .isEmpty();

            // What a poll costs: the state whole, gzipped, and when the page already shows it.
            HttpClient http = HttpClient.newHttpClient();
            int shell = get(http, server.url() + "/ui", Map.of()).body().length;
            HttpResponse<byte[]> whole = get(http, server.url() + "/ui/state", Map.of());
            String tag = JSON.readTree(whole.body()).get("tag").asText();
            HttpResponse<byte[]> zipped = get(http, server.url() + "/ui/state", Map.of("Accept-Encoding", "gzip"));
            assertThat(zipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
            HttpResponse<byte[]> unchanged = get(http, server.url() + "/ui/state?have=" + tag, Map.of());
            assertThat(JSON.readTree(unchanged.body()).has("html")).isFalse();
            System.out.printf(
                    "live page: shell %d bytes; state %d bytes, %d gzipped, %d unchanged; first job run %d ms,"
                            + " whole test %d ms%n",
                    shell,
                    whole.body().length,
                    zipped.body().length,
                    unchanged.body().length,
                    (firstRun - started) / 1_000_000,
                    (System.nanoTime() - started) / 1_000_000);
        }

        // With a token: the shell (no data) loads without it, the state needs it, and the page sends it from the
        // URL fragment, which never reaches a server or a log.
        String token = "live-page-token-0123456789";
        try (FeatureServer server =
                FeatureServer.start(SERVICES.config(tmp, "live", concat(settingsOf, "serving.token=" + token)))) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<byte[]> shell = get(http, server.url() + "/ui", Map.of());
            assertThat(shell.statusCode()).isEqualTo(200);
            assertThat(new String(shell.body(), java.nio.charset.StandardCharsets.UTF_8))
                    .doesNotContain("WT01");
            assertThat(get(http, server.url() + "/ui/state", Map.of()).statusCode())
                    .isEqualTo(401);
            assertThat(get(http, server.url() + "/ui/state", Map.of("Authorization", "Bearer " + token))
                            .statusCode())
                    .isEqualTo(200);
            try (HeadlessChromium.Session page = new HeadlessChromium(tmp.resolve("chromium-token"))
                    .open(URI.create(server.url() + "/ui#token=" + token), 1000, 800)) {
                page.await("document.querySelectorAll('#live svg.wafer-map').length > 0", Duration.ofSeconds(20));
                assertThat(page.console()).isEmpty();
            }
        }
    }

    private static HttpResponse<byte[]> get(HttpClient http, String url, Map<String, String> headers) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url));
        headers.forEach(r::header);
        return http.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Checks the wafers, drift and alerts the page shows against what the test wrote; the wafers shown. */
    private static Set<String> assertPageShows(String dom, Model model, FeaturesJobConfig config) throws Exception {
        Map<String, Integer> cells = new LinkedHashMap<>();
        Matcher m = MAP.matcher(dom);
        while (m.find()) {
            cells.put(m.group(1), count(m.group(2), "<rect data-die="));
        }
        assertThat(cells).isNotEmpty();
        for (Map.Entry<String, Integer> w : cells.entrySet()) {
            assertThat(model.dies).containsKey(w.getKey());
            assertThat(w.getValue())
                    .as("cells of " + w.getKey() + " = dies the test wrote for it")
                    .isEqualTo(model.dies.get(w.getKey()).size());
            Map<String, String> row =
                    PackedFeatures.flatten(SERVICES.jedis().hgetAll("live:wafer_aggregates:v1:" + w.getKey()));
            assertThat(dom)
                    .as("the yield Redis holds for " + w.getKey())
                    .contains("data-wafer=\"" + w.getKey() + "\">yield <b>"
                            + String.format(java.util.Locale.ROOT, "%.1f", Double.parseDouble(row.get("yield_pct")))
                            + " %</b>");
        }
        List<String> parameters = config.schema().parameterNames();
        assertThat(count(dom, "<tr class=\"drift-status\"")).isEqualTo(parameters.size());
        int judged = 0;
        for (String p : parameters) {
            String verdict =
                    SERVICES.jedis().hget(DriftMetricToRedis.key("live", "wafer_aggregates", "v1", p), "verdict");
            if (verdict != null) {
                judged++;
                assertThat(dom)
                        .contains("data-parameter=\"" + p + "\"><td>" + p + "</td><td><span class=\"verdict " + verdict
                                + "\">" + verdict + "</span>");
            }
        }
        assertThat(judged).as("parameters with a drift verdict in Redis").isPositive();
        Set<String> firing = new TreeSet<>();
        Map<String, Alert> latest = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : SERVICES.readCommitted("live-alerts")) {
            Alert a = AlertJson.fromJson(r.value());
            latest.put(a.alertId, a);
        }
        latest.values().stream().filter(a -> a.status == AlertStatus.FIRING).forEach(a -> firing.add(a.key));
        Set<String> shown = new TreeSet<>();
        Matcher open = Pattern.compile("<tr class=\"open-alert\" data-key=\"([^\"]+)\"")
                .matcher(dom);
        while (open.find()) {
            shown.add(open.group(1).replace("&amp;", "&"));
        }
        assertThat(shown).as("open alerts on the page = firing on the topic").isEqualTo(firing);
        return cells.keySet();
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    private static String[] concat(String[] a, String... b) {
        List<String> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all.toArray(new String[0]);
    }

    private static List<byte[]> concat(List<byte[]> a, List<byte[]> b) {
        List<byte[]> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** What the test wrote: per wafer, the dies tested, and the wafer tested last. */
    private static final class Model {
        final Map<String, Set<String>> dies = new HashMap<>();
        private String newest;
        private long newestTime = Long.MIN_VALUE;

        Model(List<byte[]> payloads) throws Exception {
            for (byte[] p : payloads) {
                JsonNode r = JSON.readTree(p);
                String wafer = r.get("wafer_id").asText();
                dies.computeIfAbsent(wafer, w -> new HashSet<>())
                        .add(r.get("die_x").asInt() + "," + r.get("die_y").asInt());
                long t = java.time.Instant.parse(r.get("event_time").asText()).toEpochMilli();
                if (t > newestTime) {
                    newestTime = t;
                    newest = wafer;
                }
            }
        }

        String newestWafer() {
            return newest;
        }
    }
}
