package io.waferflow.serving;

import io.waferflow.derived.DerivedFeatures;
import io.waferflow.stores.online.DriftMetricToRedis;
import io.waferflow.stores.online.PackedFeatures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The drift baseline for derived features that read one ({@code baseline.vdd.mean}) when the job builds its baseline in
 * the stream rather than reading a file: the baseline mean, standard deviation and count the job writes into each
 * parameter's drift hash ({@code <prefix>:drift:<group>:<version>:<parameter>}) of the version served. Read at most
 * once per {@code refresh} per version (one round trip), so a request pays nothing for it in between; until the job has
 * written a drift window, such a feature is null.
 */
final class StreamBaseline {

    private static final String[] FIELDS = {"baseline_mean", "baseline_std", "n_baseline"};
    private static final String[] STATISTICS = {"mean", "std", "count"};

    private record Read(DerivedFeatures derived, long atNanos) {}

    private final OnlineRows rows;
    private final ServedGroup group;
    private final List<String> parameters;
    private final long refreshNanos;
    private final Map<String, Read> byVersion = new ConcurrentHashMap<>();

    StreamBaseline(OnlineRows rows, ServedGroup group, Duration refresh) {
        this.rows = rows;
        this.group = group;
        this.parameters = group.streamBaselineParameters();
        this.refreshNanos = refresh.toNanos();
    }

    /** The group's derived features over the stream baseline of {@code version}; reads it when the last read is old. */
    DerivedFeatures derivedFor(String version) {
        Read r = byVersion.get(version);
        long now = System.nanoTime();
        if (r == null || now - r.atNanos >= refreshNanos) {
            // Concurrent requests may each read once when it expires: harmless, and no lock on the request path.
            r = new Read(group.derived().withBaseline(read(version)), now);
            byVersion.put(version, r);
        }
        return r.derived;
    }

    private Map<String, Double> read(String version) {
        List<String> keys = new ArrayList<>(parameters.size());
        for (String p : parameters) {
            keys.add(DriftMetricToRedis.key(group.keyPrefix(), group.name(), version, p));
        }
        List<String[]> hashes = rows.read(keys, FIELDS);
        Map<String, Double> baseline = new HashMap<>();
        for (int i = 0; i < parameters.size(); i++) {
            String[] h = hashes.get(i);
            for (int f = 0; f < FIELDS.length; f++) {
                if (h[f] != null && PackedFeatures.isJsonNumber(h[f])) {
                    baseline.put("baseline." + parameters.get(i) + "." + STATISTICS[f], Double.valueOf(h[f]));
                }
            }
        }
        return baseline;
    }
}
