package io.waferflow.serving;

import io.waferflow.alerts.Alert;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.drift.DriftMetric;
import io.waferflow.drift.DriftVerdict;
import io.waferflow.model.FeatureColumns;
import io.waferflow.report.LiveData;
import io.waferflow.report.LivePage;
import io.waferflow.stores.online.DriftMetricToRedis;
import io.waferflow.stores.online.OnlineKeys;
import io.waferflow.stores.online.PackedFeatures;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the live page shows, read when asked and kept for {@link #MIN_AGE_MILLIS} (however many browsers poll, Redis and
 * the archive are read at most that often): the latest wafers' online rows (a {@code SCAN} of the version's keys, then
 * their windows in pipelined {@code HMGET}s), their maps from the raw archive ({@link ArchivedDies}), the latest drift
 * hash per parameter, and the alerts firing ({@link OpenAlerts}, when an alert topic is configured).
 */
final class LiveState implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LiveState.class);

    static final long MIN_AGE_MILLIS = 1_000;
    /** Wafers drawn: the newest windows. */
    static final int WAFERS = 6;
    /** Keys looked at, at most: the online store's rows live for {@code redis.ttl}, so this bounds a scan's cost. */
    static final int MAX_KEYS = 100_000;

    private static final int BATCH = 1_000;
    private static final String[] ROW_FIELDS = {
        OnlineKeys.WINDOW_START, OnlineKeys.WINDOW_END, OnlineKeys.LOT_ID, OnlineKeys.FEATURES, OnlineKeys.UPDATED_AT
    };
    /** The features a wafer's card shows, unpacked from its row, by position. */
    private static final Map<String, Integer> SHOWN =
            Map.of(FeatureColumns.DEVICE_COUNT, 0, FeatureColumns.YIELD_PCT, 1, FeatureColumns.NEIGHBOR_YIELD_AVG, 2);

    private static final String[] DRIFT_FIELDS = {
        "verdict",
        OnlineKeys.WINDOW_START,
        OnlineKeys.WINDOW_END,
        "psi",
        "ks_d",
        "ks_p_value_conservative",
        "n_baseline",
        "n_current",
        "baseline_mean",
        "current_mean",
        "shift_sigma"
    };

    private final OnlineRows redis;
    private final ServedGroup group;
    private final List<String> parameters;
    private final double psiModerate;
    private final double psiDrift;
    private final ArchivedDies dies;
    private final OpenAlerts alerts;
    private final String offlineRoot;

    private long readAt;
    private String html;
    private String tag;
    private long generatedAt;

    LiveState(OnlineRows redis, ServedGroup group, FeaturesJobConfig config, OpenAlerts alerts) {
        this.redis = redis;
        this.group = group;
        this.parameters = config.schema().parameterNames();
        this.psiModerate = config.drift().psiModerate();
        this.psiDrift = config.drift().psiDrift();
        this.offlineRoot = config.offlineRoot();
        this.dies = ArchivedDies.under(offlineRoot);
        this.alerts = alerts;
    }

    /** The page's {@code #live} HTML and the time it was read; read again when older than a second. */
    synchronized Snapshot snapshot() {
        long now = System.currentTimeMillis();
        if (html == null || now - readAt >= MIN_AGE_MILLIS) {
            LiveData d = read(now);
            html = LivePage.body(d, psiModerate, psiDrift);
            // The HTML holds no read time: an unchanged store gives the same tag, and a poll that has it gets no HTML.
            tag = Integer.toHexString(html.hashCode()) + "-" + html.length();
            generatedAt = d.generatedAt();
            readAt = now;
        }
        return new Snapshot(html, tag, generatedAt);
    }

    /**
     * The page's HTML, a tag that changes when what it shows changes (not when only the read time does), and when it
     * was read.
     */
    record Snapshot(String html, String tag, long generatedAt) {}

    LiveData read(long now) {
        List<String> notes = new ArrayList<>();
        String version = redis.servingVersion(group.name()).orElse(group.configuredVersion());
        List<LiveData.Wafer> wafers = latestWafers(version, notes);
        Map<String, DriftMetric> drift = drift(version);
        List<Alert> open = alerts == null ? null : alerts.open();
        if (alerts != null && alerts.problem() != null) {
            notes.add(alerts.problem());
        }
        return new LiveData(group.name(), version, now, wafers, parameters, drift, open, notes);
    }

    private List<LiveData.Wafer> latestWafers(String version, List<String> notes) {
        String prefix = OnlineKeys.key(group.keyPrefix(), group.name(), version, "");
        List<String> keys = new ArrayList<>(redis.scan(glob(prefix) + "*", MAX_KEYS));
        if (keys.size() >= MAX_KEYS) {
            notes.add("more than " + MAX_KEYS + " wafers online: the latest among the first " + MAX_KEYS + " scanned");
        }
        List<Object[]> rows = new ArrayList<>(); // {wafer, fields}
        for (int from = 0; from < keys.size(); from += BATCH) {
            List<String> batch = keys.subList(from, Math.min(keys.size(), from + BATCH));
            List<String[]> values = redis.read(batch, ROW_FIELDS);
            for (int i = 0; i < batch.size(); i++) {
                String[] v = values.get(i);
                if (v != null && v[1] != null) {
                    rows.add(new Object[] {batch.get(i).substring(prefix.length()), v});
                }
            }
        }
        // Newest window first; among wafers of one window (every tester's), the rows written last.
        rows.sort(Comparator.comparingLong((Object[] r) -> number(((String[]) r[1])[1]))
                .thenComparingLong(r -> number(((String[]) r[1])[4]))
                .reversed()
                .thenComparing(r -> (String) r[0]));
        List<LiveData.Wafer> out = new ArrayList<>();
        refreshDies(notes);
        for (Object[] r : rows.subList(0, Math.min(WAFERS, rows.size()))) {
            String wafer = (String) r[0];
            String[] v = (String[]) r[1];
            String[] shown = new String[SHOWN.size()];
            if (v[3] != null) {
                PackedFeatures.unpack(v[3], SHOWN, shown);
            }
            out.add(new LiveData.Wafer(
                    wafer,
                    v[2],
                    number(v[0]),
                    number(v[1]),
                    number(shown[0]),
                    decimal(shown[1]),
                    decimal(shown[2]),
                    dies == null ? null : dies.map(wafer, "latest")));
        }
        return out;
    }

    private void refreshDies(List<String> notes) {
        if (dies == null) {
            notes.add("offline.root " + offlineRoot + " is not a local directory: no wafer maps");
            return;
        }
        try {
            dies.refresh();
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not read the raw archive under {}", dies.archive(), e);
            notes.add("could not read the raw archive under " + dies.archive() + ": " + e.getMessage());
        }
    }

    private Map<String, DriftMetric> drift(String version) {
        List<String> keys = new ArrayList<>();
        for (String p : parameters) {
            keys.add(DriftMetricToRedis.key(group.keyPrefix(), group.name(), version, p));
        }
        List<String[]> values = redis.read(keys, DRIFT_FIELDS);
        Map<String, DriftMetric> out = new HashMap<>();
        for (int i = 0; i < parameters.size(); i++) {
            String[] v = values.get(i);
            if (v == null || v[0] == null) {
                continue;
            }
            DriftMetric m = new DriftMetric();
            m.feature = parameters.get(i);
            m.verdict = verdict(v[0]);
            m.windowStart = number(v[1]);
            m.windowEnd = number(v[2]);
            m.psi = decimal(v[3]);
            m.ksD = decimal(v[4]);
            m.ksPValueConservative = decimal(v[5]);
            m.nBaseline = number(v[6]);
            m.nCurrent = number(v[7]);
            m.baselineMean = decimal(v[8]);
            m.currentMean = decimal(v[9]);
            m.shiftSigma = decimal(v[10]);
            out.put(m.feature, m);
        }
        return out;
    }

    private static DriftVerdict verdict(String label) {
        for (DriftVerdict v : DriftVerdict.values()) {
            if (v.label().equals(label)) {
                return v;
            }
        }
        return null;
    }

    /** {@code s} as a SCAN pattern that matches it literally. */
    static String glob(String s) {
        return s.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
    }

    private static long number(String s) {
        try {
            return s == null || s.isEmpty() ? 0 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static double decimal(String s) {
        try {
            return s == null || s.isEmpty() ? Double.NaN : Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    @Override
    public void close() {
        if (alerts != null) {
            alerts.close();
        }
    }
}
