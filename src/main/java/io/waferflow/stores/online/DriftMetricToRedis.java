package io.waferflow.stores.online;

import io.waferflow.drift.DriftMetric;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * The latest drift metric of each feature as a Redis hash {@code <prefix>:drift:<group>:<version>:<feature>} (per
 * version, as feature rows are): verdict, PSI, KS, sample sizes and moments, the window it covers, {@code updated_at}
 * last with the TTL. A metric of a drift group ({@code drift.group_by}) goes to
 * {@code <prefix>:drift:<group>:<version>:<feature>:<field>=<value>}, with a {@code drift_group} field first; the
 * overall hashes are as they were without grouping. Stateless.
 */
public class DriftMetricToRedis implements MapFunction<DriftMetric, RedisHashWrite> {

    private static final long serialVersionUID = 1L;

    private final String keyPrefix;
    private final String featureGroup;
    private final String featureVersion;
    private final int ttlSeconds;

    public DriftMetricToRedis(String keyPrefix, String featureGroup, String featureVersion, int ttlSeconds) {
        this.keyPrefix = keyPrefix;
        this.featureGroup = featureGroup;
        this.featureVersion = featureVersion;
        this.ttlSeconds = ttlSeconds;
    }

    public static String key(String prefix, String featureGroup, String featureVersion, String feature) {
        return prefix + ":drift:" + featureGroup + ":" + featureVersion + ":" + feature;
    }

    /** The hash of one drift group of a feature ({@code ...:vdd:tester_id=T07}). */
    public static String key(
            String prefix, String featureGroup, String featureVersion, String feature, String driftGroup) {
        String overall = key(prefix, featureGroup, featureVersion, feature);
        return driftGroup == null ? overall : overall + ":" + driftGroup;
    }

    @Override
    public RedisHashWrite map(DriftMetric m) {
        String key = key(keyPrefix, featureGroup, featureVersion, m.feature, m.driftGroup);
        String[][] statistics = {
            {"verdict", m.verdict.label()},
            {OnlineKeys.WINDOW_START, Long.toString(m.windowStart)},
            {OnlineKeys.WINDOW_END, Long.toString(m.windowEnd)},
            {"baseline_id", m.baselineId == null ? "" : m.baselineId},
            {"psi", OnlineKeys.format(m.psi)},
            {"ks_d", OnlineKeys.format(m.ksD)},
            {"ks_p_value", OnlineKeys.format(m.ksPValue)},
            {"ks_p_value_conservative", OnlineKeys.format(m.ksPValueConservative)},
            {"n_baseline", Long.toString(m.nBaseline)},
            {"n_current", Long.toString(m.nCurrent)},
            {"baseline_mean", OnlineKeys.format(m.baselineMean)},
            {"baseline_std", OnlineKeys.format(m.baselineStd)},
            {"current_mean", OnlineKeys.format(m.currentMean)},
            {"current_std", OnlineKeys.format(m.currentStd)},
            {"shift_sigma", OnlineKeys.format(m.shiftSigma)},
        };
        String[][] fields = statistics;
        if (m.driftGroup != null) {
            fields = new String[statistics.length + 1][];
            fields[0] = new String[] {"drift_group", m.driftGroup};
            System.arraycopy(statistics, 0, fields, 1, statistics.length);
        }
        String[] names = new String[fields.length + 1];
        String[] values = new String[names.length];
        for (int i = 0; i < fields.length; i++) {
            names[i] = fields[i][0];
            values[i] = fields[i][1];
        }
        names[fields.length] = OnlineKeys.UPDATED_AT;
        values[fields.length] = Long.toString(System.currentTimeMillis());
        return new RedisHashWrite(key, names, values, ttlSeconds, m.windowEnd);
    }
}
