package io.waferflow.stores.online;

import io.waferflow.features.WaferFeatures;
import io.waferflow.model.FeatureColumns;
import java.util.List;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * A feature row as its Redis hash: every feature packed into one field ({@link PackedFeatures}: full values, never
 * increments, so a replay after failover rewrites the same values), then the row's metadata, a field each. Stateless;
 * an older window is held back upstream (in the finalizer's state) and refused by the write itself
 * ({@link RowScript#WRITE_ROWS}).
 */
public class FeatureRowToRedis implements MapFunction<WaferFeatures, RedisHashWrite> {

    private static final long serialVersionUID = 1L;

    /** The row's metadata fields, after its packed features, in the order {@link #map} writes them. */
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
    /** Each feature's opening in the packed object ({@link PackedFeatures#openings}). */
    private final String[] openings;

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
        this.openings = PackedFeatures.openings(columns.names());
        this.keyPrefix = keyPrefix;
        this.featureGroup = featureGroup;
        this.featureVersion = featureVersion;
        this.ttlSeconds = ttlSeconds;
    }

    @Override
    public RedisHashWrite map(WaferFeatures f) {
        String[] features = new String[columns.size()];
        for (int c = 0; c < features.length; c++) {
            features[c] = c == 0 ? Long.toString(f.deviceCount) : OnlineKeys.format(columns.value(f, c));
        }
        String[] fields = new String[1 + METADATA.length];
        String[] values = new String[fields.length];
        fields[0] = OnlineKeys.FEATURES;
        values[0] = PackedFeatures.pack(openings, features);
        System.arraycopy(METADATA, 0, fields, 1, METADATA.length);
        values[1] = f.lotId;
        values[2] = Long.toString(f.windowStart);
        values[3] = Long.toString(f.windowEnd);
        values[4] = Integer.toString(f.revision);
        values[5] = featureVersion;
        values[6] = jobVersion;
        values[7] = Long.toString(System.currentTimeMillis());
        return new RedisHashWrite(
                OnlineKeys.key(keyPrefix, featureGroup, featureVersion, f.waferId),
                fields,
                values,
                ttlSeconds,
                f.windowEnd);
    }
}
