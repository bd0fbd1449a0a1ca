package io.waferflow.stores.online;

import io.waferflow.config.RedisConnection;
import java.util.List;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.JedisPoolAbstract;
import redis.clients.jedis.exceptions.JedisClusterMaxAttemptsException;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The online store's connection for one writer: a pool of the Jedis that Bahir brings, from {@link RedisClients} (a
 * cluster client in cluster mode). Writes a row as one atomic script call ({@link RowScript}), not one HSET per field
 * as Bahir's sink would, and a batch of rows in one pipelined round trip. Tells an outage (no connection) from a
 * refusal (the server answered no: wrong credentials, a wrong key type), which no retry can fix.
 */
public final class RedisStore implements AutoCloseable {

    /** Rows per script call outside a cluster ({@link RowScript#ROWS_PER_CALL}). */
    public static final int ROWS_PER_CALL = RowScript.ROWS_PER_CALL;

    private static final java.util.regex.Pattern TRANSIENT =
            java.util.regex.Pattern.compile("(READONLY|LOADING|CLUSTERDOWN|TRYAGAIN|MASTERDOWN)\\b");

    private final RedisConnection connection;
    private final GenericObjectPoolConfig<Jedis> poolConfig;
    /** Standalone and sentinel modes; opened on first use, since a sentinel pool asks the sentinels when built. */
    private JedisPoolAbstract pool;
    /** Cluster mode; opened on first use, since it learns the slots when built. */
    private JedisCluster cluster;

    private RedisStore(RedisConnection connection) {
        this.connection = connection;
        poolConfig = new GenericObjectPoolConfig<>();
        poolConfig.setMaxTotal(2);
        // One writer thread needs one connection (per cluster master); keeping no second idle one means a retry after
        // a dead connection (Redis restarted) always opens a fresh one.
        poolConfig.setMaxIdle(1);
    }

    /**
     * A store for one writer thread. PINGs once: a server that refuses the credentials fails here, naming the server
     * and the reason (WRONGPASS, NOAUTH, a TLS failure), never the secret; a server that does not answer is an outage
     * and does not.
     */
    public static RedisStore connect(RedisConnection connection) {
        RedisStore store = new RedisStore(connection);
        try {
            store.writeAll(List.of());
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
     * Writes one row ({@link #writeAll}).
     *
     * @return false if Redis holds a newer row of the key, which stays
     */
    public boolean write(RedisHashWrite w) {
        return writeAll(List.of(w))[0];
    }

    /**
     * Writes rows in one pipelined round trip (in a cluster, one per master that holds some of them):
     * {@link RowScript#WRITE_ROWS} calls of up to {@link RowScript#ROWS_PER_CALL} rows (in a cluster, one row a call),
     * sent together, answered together. Each row is atomic on its own; the batch is not (it need not be: rows are full
     * upserts of distinct keys). An empty batch PINGs.
     *
     * @return per row, in order: true if written, false if Redis holds a newer row of its key, which stays
     * @throws JedisException if Redis is unreachable or refuses (see {@link #isOutage}); then any of the rows may or
     *     may not have been written, and writing them all again is safe
     */
    public boolean[] writeAll(List<RedisHashWrite> rows) {
        return writeAll(rows, RowScript.ROWS_PER_CALL);
    }

    /**
     * {@link #writeAll(List)} with at most {@code rowsPerCall} rows a script call outside a cluster (the benchmark
     * compares).
     */
    public boolean[] writeAll(List<RedisHashWrite> rows, int rowsPerCall) {
        try {
            return writeAllOnce(rows, rowsPerCall);
        } catch (JedisConnectionException deadConnection) {
            // The pooled connection may have died with a Redis that has restarted since: once more on a new one
            // before calling it an outage. Safe: the rows are full upserts.
            return writeAllOnce(rows, rowsPerCall);
        }
    }

    private boolean[] writeAllOnce(List<RedisHashWrite> rows, int rowsPerCall) {
        if (connection.mode() == RedisConnection.Mode.CLUSTER) {
            if (cluster == null) {
                cluster = RedisClients.cluster(connection, poolConfig);
            }
            if (rows.isEmpty()) {
                cluster.getClusterNodes().values().forEach(node -> {
                    try (Jedis jedis = node.getResource()) {
                        jedis.ping();
                    }
                });
            }
            return ClusterRows.writeAll(cluster, rows);
        }
        if (pool == null) {
            pool = RedisClients.pool(connection, poolConfig);
        }
        try (Jedis jedis = pool.getResource()) {
            if (rows.isEmpty()) {
                jedis.ping();
            }
            boolean[] written = new boolean[rows.size()];
            if (!RowScript.writeAll(jedis, rows, rowsPerCall, written).isEmpty()) {
                throw new IllegalStateException("Redis " + connection + " redirected a write (MOVED): it is a node of a"
                        + " cluster; set redis.mode: cluster");
            }
            return written;
        }
    }

    /**
     * No connection (refused, reset, timed out), or a server that says it cannot take writes for now (a master that
     * became a replica in a failover: READONLY; LOADING its data after a restart; a cluster without a master for a
     * slot: CLUSTERDOWN, TRYAGAIN; MASTERDOWN): worth retrying. Any other answer with an error (WRONGPASS, NOAUTH,
     * WRONGTYPE), or a certificate that does not check out, is a refusal, even where the pool wraps it in a connection
     * exception: no retry can fix it. A cluster client that ran out of attempts or time (its nodes did not answer, or
     * kept redirecting it while slots moved) is an outage too: Jedis gives that up without a cause.
     */
    public static boolean isOutage(Throwable e) {
        boolean connection = false;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof JedisClusterMaxAttemptsException
                    || (t instanceof JedisClusterOperationException
                            && String.valueOf(t.getMessage()).startsWith("Cluster retry deadline exceeded"))) {
                return true;
            }
            if (t instanceof JedisDataException
                    && TRANSIENT.matcher(String.valueOf(t.getMessage())).lookingAt()) {
                return true;
            }
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
            if (pool != null) {
                pool.close();
            }
            if (cluster != null) {
                cluster.close();
            }
        } catch (JedisException ignored) {
            // closing a pool whose server is gone
        }
    }
}
