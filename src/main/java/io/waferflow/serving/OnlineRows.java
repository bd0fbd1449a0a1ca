package io.waferflow.serving;

import io.waferflow.config.RedisConnection;
import io.waferflow.stores.online.RedisReader;
import io.waferflow.stores.online.RedisStore;
import io.waferflow.stores.online.ServingVersions;
import java.util.List;
import java.util.Optional;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisExhaustedPoolException;

/**
 * The server's only access to Redis: rows by key, many per round trip, and the serving pointer, in any
 * {@code redis.mode} ({@link RedisReader}: one round trip per batch, in a cluster one per master the batch touches).
 * Tells Redis being away, a 503, from any other failure.
 */
final class OnlineRows implements AutoCloseable {

    /** Redis could not be reached (connection refused, reset or timed out, or no free connection in time). */
    static final class Unavailable extends RuntimeException {
        Unavailable(Throwable cause) {
            super("Redis is unreachable: " + cause.getMessage(), cause, false, false);
        }
    }

    private final RedisReader redis;
    private final String keyPrefix;

    OnlineRows(RedisConnection connection, String keyPrefix, int maxConnections) {
        GenericObjectPoolConfig<Jedis> config = new GenericObjectPoolConfig<>();
        config.setMaxTotal(maxConnections);
        config.setMaxIdle(maxConnections);
        // A request waits for a free connection no longer than for an answer.
        config.setMaxWait(java.time.Duration.ofMillis(RedisConnection.TIMEOUT_MILLIS));
        config.setJmxEnabled(false);
        this.redis = RedisReader.open(connection, config);
        this.keyPrefix = keyPrefix;
    }

    /**
     * The given fields of every key's hash ({@code HMGET}; null where a field or the whole hash is absent), in key
     * order, in one pipelined round trip (in a cluster, one per master). HMGET rather than HGETALL: values come back in
     * field order, so an answer needs no map of the row (building and hashing one cost as much as the rest of an
     * answer).
     */
    List<String[]> read(List<String> keys, String[] fields) {
        try {
            return redis.read(keys, fields);
        } catch (JedisException e) {
            throw unavailableOr(e);
        }
    }

    /** Keys matching {@code pattern}, at most {@code max} ({@link RedisReader#scan}). */
    java.util.Set<String> scan(String pattern, int max) {
        try {
            return redis.scan(pattern, max);
        } catch (JedisException e) {
            throw unavailableOr(e);
        }
    }

    /** The version the serving pointer names ({@code <prefix>:serving:<group>}, field {@code current}), if any. */
    Optional<String> servingVersion(String group) {
        return Optional.ofNullable(
                read(List.of(ServingVersions.key(keyPrefix, group)), new String[] {ServingVersions.CURRENT})
                        .get(0)[0]);
    }

    /**
     * No connection, no free connection in time, or a server (a cluster) that cannot answer for now (CLUSTERDOWN, no
     * attempts left: {@link RedisStore#isOutage}) is Redis being away; anything else is a failure of its own.
     */
    private static RuntimeException unavailableOr(JedisException e) {
        if (e instanceof JedisConnectionException
                || e instanceof JedisExhaustedPoolException
                || RedisStore.isOutage(e)) {
            return new Unavailable(e);
        }
        return e;
    }

    /** Whether Redis answers a PING (for {@code /health}; not counted as a round trip of a request). */
    boolean ping() {
        try {
            return redis.ping();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Round trips to Redis so far (a batch of rows is one per master; reading the serving pointer another). */
    long roundTrips() {
        return redis.roundTrips();
    }

    @Override
    public void close() {
        redis.close();
    }
}
