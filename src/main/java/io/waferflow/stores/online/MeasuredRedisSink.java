package io.waferflow.stores.online;

import io.waferflow.metrics.OnlineWriteMetrics;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.connectors.redis.RedisSink;
import org.apache.flink.streaming.connectors.redis.common.config.FlinkJedisConfigBase;

/**
 * Bahir's Redis sink (one synchronous command per field write), reporting each write's latency and, from the
 * {@code window_end} fields it writes, how fresh the served features are ({@link OnlineWriteMetrics}).
 */
public class MeasuredRedisSink extends RedisSink<RedisFieldWrite> {

    private static final long serialVersionUID = 1L;

    private transient OnlineWriteMetrics metrics;

    public MeasuredRedisSink(FlinkJedisConfigBase jedis) {
        super(jedis, new RedisFieldWriteMapper());
    }

    @Override
    public void open(Configuration parameters) throws Exception {
        super.open(parameters);
        metrics = new OnlineWriteMetrics(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void invoke(RedisFieldWrite write, Context context) throws Exception {
        long start = System.nanoTime();
        super.invoke(write, context);
        metrics.written(start);
        if (OnlineKeys.WINDOW_END.equals(write.field)) {
            metrics.served(Long.parseLong(write.value));
        }
    }
}
