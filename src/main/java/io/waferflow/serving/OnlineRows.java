package io.waferflow.serving;

import io.waferflow.config.RedisConnection;
import io.waferflow.stores.online.RedisClients;
import io.waferflow.stores.online.ServingVersions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPoolAbstract;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisExhaustedPoolException;

/**
 * The server's only access to Redis: rows by key, many per round trip, and the serving pointer. A standalone server
 * through a pool of authenticated connections ({@link RedisClients}); a cluster or sentinel client would replace this
 * class alone.
 */
final class OnlineRows implements AutoCloseable {

    /** Redis could not be reached (connection refused, reset or timed out, or no free connection in time). */
    static final class Unavailable extends RuntimeException {
        Unavailable(Throwable cause) {
            super("Redis is unreachable: " + cause.getMessage(), cause, false, false);
        }
    }

    // The abstract pool type: a sentinel-watched master comes as another pool (redis.mode on main), same use.
    private final JedisPoolAbstract pool;
    private final String keyPrefix;
    private final LongAdder roundTrips = new LongAdder();

    OnlineRows(RedisConnection connection, String keyPrefix, int maxConnections) {
        GenericObjectPoolConfig<Jedis> config = new GenericObjectPoolConfig<>();
        config.setMaxTotal(maxConnections);
        config.setMaxIdle(maxConnections);
        // A request waits for a free connection no longer than for an answer.
        config.setMaxWait(java.time.Duration.ofMillis(RedisConnection.TIMEOUT_MILLIS));
        config.setJmxEnabled(false);
        this.pool = RedisClients.pool(connection, config);
        this.keyPrefix = keyPrefix;
    }

    /**
     * The given fields of every key's hash ({@code HMGET}; null where a field or the whole hash is absent), in key
     * order, in one pipelined round trip. HMGET rather than HGETALL: values come back in field order, so an answer
     * needs no map of the row (building and hashing one cost as much as the rest of an answer).
     */
    List<String[]> read(List<String> keys, String[] fields) {
        try (Jedis jedis = pool.getResource()) {
            Pipeline pipeline = jedis.pipelined();
            List<Response<List<String>>> answers = new ArrayList<>(keys.size());
            for (String key : keys) {
                answers.add(pipeline.hmget(key, fields));
            }
            pipeline.sync();
            roundTrips.increment();
            List<String[]> rows = new ArrayList<>(keys.size());
            for (Response<List<String>> a : answers) {
                rows.add(a.get().toArray(new String[0]));
            }
            return rows;
        } catch (JedisConnectionException | JedisExhaustedPoolException e) {
            throw new Unavailable(e);
        }
    }

    /** The version the serving pointer names ({@code <prefix>:serving:<group>}, field {@code current}), if any. */
    Optional<String> servingVersion(String group) {
        try (Jedis jedis = pool.getResource()) {
            roundTrips.increment();
            return new ServingVersions(jedis, keyPrefix).current(group);
        } catch (JedisConnectionException | JedisExhaustedPoolException e) {
            throw new Unavailable(e);
        }
    }

    /** Whether Redis answers a PING (for {@code /health}; not counted as a round trip of a request). */
    boolean ping() {
        try (Jedis jedis = pool.getResource()) {
            return "PONG".equals(jedis.ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Round trips to Redis so far (a batch of rows is one; reading the serving pointer another). */
    long roundTrips() {
        return roundTrips.sum();
    }

    @Override
    public void close() {
        pool.close();
    }
}
