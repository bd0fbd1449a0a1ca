package io.waferflow.stores.online;

import io.waferflow.config.RedisConnection;
import io.waferflow.metrics.OnlineWriteMetrics;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.sink.RichSinkFunction;
import org.apache.flink.streaming.connectors.redis.common.container.RedisContainer;
import redis.clients.jedis.Jedis;

/**
 * Writes each {@link RedisFieldWrite} as {@code HSET key field value} (then {@code EXPIRE key ttl} when the write
 * carries a TTL) through Bahir's {@link RedisContainer}, exactly as Bahir's {@code RedisSink} with an HSET mapper
 * does: one synchronous command per field, at least once, idempotent upserts. It reports each write's latency and,
 * from the {@code window_end} fields it writes, how fresh the served features are ({@link OnlineWriteMetrics}).
 *
 * <p>Not Bahir's {@code RedisSink} itself because its connection settings ({@code FlinkJedisPoolConfig}) carry a
 * password but no ACL user and no TLS; the pool comes from {@link RedisClients} instead. Keeps no state.
 */
public class MeasuredRedisSink extends RichSinkFunction<RedisFieldWrite> {

    private static final long serialVersionUID = 1L;

    private final RedisConnection connection;

    private transient RedisContainer redis;
    private transient OnlineWriteMetrics metrics;

    public MeasuredRedisSink(RedisConnection connection) {
        this.connection = connection;
    }

    @Override
    public void open(Configuration parameters) throws Exception {
        // One writer thread: one connection is all it uses (Bahir's pool defaults otherwise).
        GenericObjectPoolConfig<Jedis> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(2);
        redis = new RedisContainer(RedisClients.pool(connection, pool));
        try {
            redis.open(); // PING: a wrong password or certificate fails here, naming the server, not the secret
        } catch (RuntimeException e) {
            redis.close();
            // The pool says only "Could not get a resource"; the reason (WRONGPASS, NOAUTH, a TLS failure) is below.
            Throwable reason = e;
            while (reason.getCause() != null && reason.getCause() != reason) {
                reason = reason.getCause();
            }
            throw new IllegalStateException("cannot reach Redis " + connection + ": " + e.getMessage()
                    + (reason == e ? "" : " (" + reason + ")"), e);
        }
        metrics = new OnlineWriteMetrics(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void invoke(RedisFieldWrite write, Context context) {
        long start = System.nanoTime();
        redis.hset(write.key, write.field, write.value, write.ttlSeconds);
        metrics.written(start);
        if (OnlineKeys.WINDOW_END.equals(write.field)) {
            metrics.served(Long.parseLong(write.value));
        }
    }

    @Override
    public void close() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }
}
