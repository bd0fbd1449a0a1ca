package io.waferflow.stores.online;

import io.waferflow.config.RedisConnection;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The online store's connection: a pool of the Jedis that Bahir brings, from {@link RedisClients} (Bahir's own
 * {@code FlinkJedisPoolConfig} carries a password but no ACL user and no TLS). Writes a row as one atomic script call
 * ({@link #WRITE_ROW}), not one HSET per field as Bahir's sink would. Tells an outage (no connection) from a refusal
 * (the server answered no: wrong credentials, a wrong key type), which no retry can fix.
 */
public final class RedisStore implements AutoCloseable {

    /**
     * One row, atomically: unless the stored row is of a later window (or a later revision of the same window), every
     * field in one HSET and the TTL, so a reader never sees fields of two windows and a replay after a failover, or a
     * lagging writer, cannot bring an older window back. KEYS[1]: the hash; ARGV: TTL seconds, the row's window end and
     * revision ('' where the row has none), then field, value pairs. Returns 1 if written, 0 if the stored row is
     * newer. Redis numbers are doubles: epoch millis are exact in them.
     */
    static final String WRITE_ROW = """
            local stored = redis.call('HMGET', KEYS[1], 'window_end', 'revision')
            local storedEnd, newEnd = tonumber(stored[1]), tonumber(ARGV[2])
            if storedEnd and newEnd then
              if storedEnd > newEnd then return 0 end
              local storedRevision, newRevision = tonumber(stored[2]), tonumber(ARGV[3])
              if storedEnd == newEnd and storedRevision and newRevision and storedRevision > newRevision then
                return 0
              end
            end
            redis.call('HSET', KEYS[1], unpack(ARGV, 4))
            redis.call('EXPIRE', KEYS[1], ARGV[1])
            return 1
            """;

    private final RedisConnection connection;
    private final JedisPool pool;
    private String writeRowSha;

    private RedisStore(RedisConnection connection, JedisPool pool) {
        this.connection = connection;
        this.pool = pool;
    }

    /**
     * A pool for one writer thread. PINGs once: a server that refuses the credentials fails here, naming the server and
     * the reason (WRONGPASS, NOAUTH, a TLS failure), never the secret; a server that does not answer is an outage and
     * does not.
     */
    public static RedisStore connect(RedisConnection connection) {
        GenericObjectPoolConfig<Jedis> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(2);
        // One writer thread needs one connection; keeping no second idle one means a retry after a dead connection
        // (Redis restarted) always opens a fresh one.
        pool.setMaxIdle(1);
        RedisStore store = new RedisStore(connection, RedisClients.pool(connection, pool));
        try (Jedis jedis = store.pool.getResource()) {
            jedis.ping();
        } catch (Exception e) {
            if (!isOutage(e)) {
                store.close();
                throw new IllegalStateException(
                        "cannot reach Redis " + connection + ": " + e.getMessage() + " (" + rootCause(e) + ")", e);
            }
        }
        return store;
    }

    /**
     * Writes the row in one round trip ({@link #WRITE_ROW}); false if Redis holds a newer one, which stays.
     *
     * @throws JedisException if Redis is unreachable or refuses (see {@link #isOutage})
     */
    public boolean write(RedisHashWrite w) {
        try {
            return writeOnce(w);
        } catch (JedisConnectionException deadConnection) {
            // The pooled connection may have died with a Redis that has restarted since: once more on a new one
            // before calling it an outage. Safe: the row is a full upsert.
            return writeOnce(w);
        }
    }

    private boolean writeOnce(RedisHashWrite w) {
        List<String> args = new ArrayList<>(3 + 2 * w.fields.length);
        args.add(Integer.toString(w.ttlSeconds));
        args.add(Long.toString(w.windowEnd));
        args.add(valueOf(w, OnlineKeys.REVISION));
        for (int i = 0; i < w.fields.length; i++) {
            args.add(w.fields[i]);
            args.add(w.values[i] == null ? "" : w.values[i]);
        }
        List<String> keys = List.of(w.key);
        try (Jedis jedis = pool.getResource()) {
            if (writeRowSha == null) {
                writeRowSha = jedis.scriptLoad(WRITE_ROW);
            }
            Object written;
            try {
                written = jedis.evalsha(writeRowSha, keys, args);
            } catch (JedisNoScriptException restartedServer) {
                writeRowSha = jedis.scriptLoad(WRITE_ROW);
                written = jedis.evalsha(writeRowSha, keys, args);
            }
            return Long.valueOf(1).equals(written);
        }
    }

    private static String valueOf(RedisHashWrite w, String field) {
        for (int i = 0; i < w.fields.length; i++) {
            if (w.fields[i].equals(field)) {
                return w.values[i];
            }
        }
        return "";
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
            pool.close();
        } catch (JedisException ignored) {
            // closing a pool whose server is gone
        }
    }
}
