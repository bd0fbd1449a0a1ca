package io.waferflow.stores.online;

import io.waferflow.config.RedisConnection;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.apache.flink.streaming.connectors.redis.common.container.RedisContainer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The online store's connection: Bahir's {@link RedisContainer} on a pool from {@link RedisClients} (Bahir's own
 * {@code FlinkJedisPoolConfig} carries a password but no ACL user and no TLS). Tells an outage (no connection) from a
 * refusal (the server answered no: wrong credentials, a wrong key type), which no retry can fix.
 */
public final class RedisStore implements AutoCloseable {

    private final RedisConnection connection;
    private final RedisContainer redis;

    private RedisStore(RedisConnection connection, RedisContainer redis) {
        this.connection = connection;
        this.redis = redis;
    }

    /**
     * A pool for one writer thread. PINGs once: a server that refuses the credentials fails here, naming the server and
     * the reason (WRONGPASS, NOAUTH, a TLS failure), never the secret; a server that does not answer is an outage and
     * does not.
     */
    public static RedisStore connect(RedisConnection connection) {
        GenericObjectPoolConfig<Jedis> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(2);
        RedisStore store = new RedisStore(connection, new RedisContainer(RedisClients.pool(connection, pool)));
        try {
            store.redis.open();
        } catch (Exception e) {
            if (!isOutage(e)) {
                store.close();
                throw new IllegalStateException(
                        "cannot reach Redis " + connection + ": " + e.getMessage() + " (" + rootCause(e) + ")", e);
            }
        }
        return store;
    }

    /** Writes every field (one HSET each, as Bahir's sink does), with the TTL set by the last one's EXPIRE. */
    public void write(RedisHashWrite w) {
        int last = w.fields.length - 1;
        for (int i = 0; i <= last; i++) {
            redis.hset(w.key, w.fields[i], w.values[i], i == last ? w.ttlSeconds : null);
        }
    }

    /**
     * No connection (refused, reset, timed out): worth retrying. A server that answered with an error (WRONGPASS,
     * NOAUTH, WRONGTYPE), or a certificate that does not check out, is a refusal, even where the pool wraps it in a
     * connection exception: no retry can fix it.
     */
    public static boolean isOutage(Throwable e) {
        boolean connection = false;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof JedisDataException
                    || t instanceof java.security.cert.CertificateException
                    || t instanceof javax.net.ssl.SSLPeerUnverifiedException) {
                return false;
            }
            connection |= t instanceof JedisConnectionException || t instanceof java.io.IOException;
        }
        return connection;
    }

    /** The innermost cause, for messages: the pool's own says only "Could not get a resource". */
    public static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    @Override
    public String toString() {
        return connection.toString();
    }

    @Override
    public void close() {
        try {
            redis.close();
        } catch (JedisException | java.io.IOException ignored) {
            // closing a pool whose server is gone
        }
    }
}
