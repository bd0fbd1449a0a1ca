package io.waferflow.stores.online;

import io.waferflow.features.FeatureColumns;
import io.waferflow.features.WaferFeatures;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Spreads a feature row over the HSETs of its Redis hash: every feature (a full value, never an increment, so a
 * replay after failover rewrites the same values), then the row's metadata, {@code updated_at} last with the TTL.
 * Stateless; which rows may be written at all is decided upstream (an older window never reaches this point).
 */
public class ToRedisFieldWrites implements FlatMapFunction<WaferFeatures, RedisFieldWrite> {

    private static final long serialVersionUID = 1L;

    private final FeatureColumns columns;
    private final String keyPrefix;
    private final String featureGroup;
    private final String featureVersion;
    private final String jobVersion;
    private final int ttlSeconds;

    public ToRedisFieldWrites(FeatureColumns columns, String keyPrefix, String featureGroup, String featureVersion,
                              String jobVersion, int ttlSeconds) {
        this.jobVersion = jobVersion;
        this.columns = columns;
        this.keyPrefix = keyPrefix;
        this.featureGroup = featureGroup;
        this.featureVersion = featureVersion;
        this.ttlSeconds = ttlSeconds;
    }

    @Override
    public void flatMap(WaferFeatures f, Collector<RedisFieldWrite> out) {
        String key = OnlineKeys.key(keyPrefix, featureGroup, featureVersion, f.waferId);
        for (int c = 0; c < columns.size(); c++) {
            String value = c == 0 ? Long.toString(f.deviceCount) : OnlineKeys.format(columns.value(f, c));
            out.collect(new RedisFieldWrite(key, columns.names().get(c), value, null));
        }
        out.collect(new RedisFieldWrite(key, OnlineKeys.LOT_ID, f.lotId, null));
        out.collect(new RedisFieldWrite(key, OnlineKeys.WINDOW_START, Long.toString(f.windowStart), null));
        out.collect(new RedisFieldWrite(key, OnlineKeys.WINDOW_END, Long.toString(f.windowEnd), null));
        out.collect(new RedisFieldWrite(key, OnlineKeys.REVISION, Integer.toString(f.revision), null));
        out.collect(new RedisFieldWrite(key, OnlineKeys.FEATURE_VERSION, featureVersion, null));
        out.collect(new RedisFieldWrite(key, OnlineKeys.JOB_VERSION, jobVersion, null));
        out.collect(new RedisFieldWrite(key, OnlineKeys.UPDATED_AT, Long.toString(System.currentTimeMillis()),
                ttlSeconds));
    }
}
