package io.waferflow.stores.online;

import io.waferflow.features.WaferFeatures;
import io.waferflow.model.FeatureColumns;
import java.util.List;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * A feature row as its Redis hash: every feature (a full value, never an increment, so a replay after failover rewrites
 * the same values), then the row's metadata. Stateless; an older window is held back upstream (in the finalizer's
 * state) and refused by the write itself ({@link RedisStore#WRITE_ROW}).
 */
public class FeatureRowToRedis implements MapFunction<WaferFeatures, RedisHashWrite> {

    private static final long serialVersionUID = 1L;

    /** The row's metadata fields, after its features, in the order {@link #map} writes them. */
    public static final List<String> METADATA_FIELDS = List.of(
            OnlineKeys.LOT_ID,
            OnlineKeys.WINDOW_START,
            OnlineKeys.WINDOW_END,
            OnlineKeys.REVISION,
            OnlineKeys.FEATURE_VERSION,
            OnlineKeys.JOB_VERSION,
            OnlineKeys.UPDATED_AT);

    private static final String[] METADATA = METADATA_FIELDS.toArray(String[]::new);

    private final FeatureColumns columns;
    private final String keyPrefix;
    private final String featureGroup;
    private final String featureVersion;
    private final String jobVersion;
    private final int ttlSeconds;

    public FeatureRowToRedis(
            FeatureColumns columns,
            String keyPrefix,
            String featureGroup,
            String featureVersion,
            String jobVersion,
            int ttlSeconds) {
        this.jobVersion = jobVersion;
        this.columns = columns;
        this.keyPrefix = keyPrefix;
        this.featureGroup = featureGroup;
        this.featureVersion = featureVersion;
        this.ttlSeconds = ttlSeconds;
    }

    @Override
    public RedisHashWrite map(WaferFeatures f) {
        int n = columns.size();
        String[] fields = new String[n + METADATA.length];
        String[] values = new String[fields.length];
        for (int c = 0; c < n; c++) {
            fields[c] = columns.names().get(c);
            values[c] = c == 0 ? Long.toString(f.deviceCount) : OnlineKeys.format(columns.value(f, c));
        }
        System.arraycopy(METADATA, 0, fields, n, METADATA.length);
        values[n] = f.lotId;
        values[n + 1] = Long.toString(f.windowStart);
        values[n + 2] = Long.toString(f.windowEnd);
        values[n + 3] = Integer.toString(f.revision);
        values[n + 4] = featureVersion;
        values[n + 5] = jobVersion;
        values[n + 6] = Long.toString(System.currentTimeMillis());
        return new RedisHashWrite(
                OnlineKeys.key(keyPrefix, featureGroup, featureVersion, f.waferId),
                fields,
                values,
                ttlSeconds,
                f.windowEnd);
    }
}
