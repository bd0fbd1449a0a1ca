package io.waferflow.stores.online;

import io.waferflow.config.RedisConnection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolAbstract;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.ScanParams;
import redis.clients.jedis.ScanResult;
import redis.clients.jedis.exceptions.JedisRedirectionException;

/**
 * Reads of the online store in any {@code redis.mode}: fields of many hashes with pipelined {@code HMGET}s, in as few
 * round trips as the topology allows. Standalone and sentinel modes: one pooled connection, one round trip. Cluster
 * mode: one pipeline per master that holds some of the keys ({@link KeysByMaster}), a key whose slot moved read again
 * through {@link JedisCluster}, which follows the redirection. Safe for concurrent use.
 */
public final class RedisReader implements AutoCloseable {

    private final RedisConnection connection;
    /** Standalone and sentinel modes. */
    private final JedisPoolAbstract pool;
    /** Cluster mode. */
    private final JedisCluster cluster;

    private final LongAdder roundTrips = new LongAdder();

    private RedisReader(RedisConnection connection, JedisPoolAbstract pool, JedisCluster cluster) {
        this.connection = connection;
        this.pool = pool;
        this.cluster = cluster;
    }

    /** A reader with a pool of {@code poolConfig} (in a cluster, one such pool per node). */
    public static RedisReader open(RedisConnection c, GenericObjectPoolConfig<Jedis> poolConfig) {
        return c.mode() == RedisConnection.Mode.CLUSTER
                ? new RedisReader(c, null, RedisClients.cluster(c, poolConfig))
                : new RedisReader(c, RedisClients.pool(c, poolConfig), null);
    }

    /**
     * The given fields of every key's hash (null where a field or the whole hash is absent), in key order.
     *
     * @throws redis.clients.jedis.exceptions.JedisException if Redis is unreachable or refuses (see
     *     {@link RedisStore#isOutage})
     */
    public List<String[]> read(List<String> keys, String... fields) {
        String[][] rows = new String[keys.size()][];
        if (cluster == null) {
            try (Jedis jedis = pool.getResource()) {
                List<Integer> all = new ArrayList<>(keys.size());
                for (int i = 0; i < keys.size(); i++) {
                    all.add(i);
                }
                if (!pipelined(jedis, keys, all, fields, rows).isEmpty()) {
                    throw new IllegalStateException("Redis " + connection + " redirected a read (MOVED): it is a node"
                            + " of a cluster; set redis.mode: cluster");
                }
            }
            return Arrays.asList(rows);
        }
        List<Integer> moved = new ArrayList<>();
        try (KeysByMaster byMaster = KeysByMaster.group(cluster, keys)) {
            for (KeysByMaster.Group group : byMaster.groups()) {
                moved.addAll(pipelined(group.master(), keys, group.positions(), fields, rows));
            }
        }
        // After the batch's connections are back: the cluster client takes its own from the same pools.
        for (int i : moved) {
            rows[i] = cluster.hmget(keys.get(i), fields).toArray(new String[0]);
            roundTrips.increment();
        }
        return Arrays.asList(rows);
    }

    /**
     * HMGETs the keys at {@code positions} over one connection in one round trip, each answer into its position of
     * {@code rows}; returns the positions the server redirected (MOVED, ASK), unread.
     */
    private List<Integer> pipelined(
            Jedis jedis, List<String> keys, List<Integer> positions, String[] fields, String[][] rows) {
        Pipeline pipeline = jedis.pipelined();
        List<Response<List<String>>> answers = new ArrayList<>(positions.size());
        for (int p : positions) {
            answers.add(pipeline.hmget(keys.get(p), fields));
        }
        pipeline.sync();
        roundTrips.increment();
        List<Integer> redirected = new ArrayList<>();
        for (int a = 0; a < answers.size(); a++) {
            try {
                rows[positions.get(a)] = answers.get(a).get().toArray(new String[0]);
            } catch (JedisRedirectionException e) {
                redirected.add(positions.get(a));
            }
        }
        return redirected;
    }

    /**
     * Keys matching {@code pattern} ({@code SCAN ... MATCH}), at most {@code max} of them; in a cluster every node is
     * scanned (a replica's keys are its master's: the set drops the repeats). SCAN does not block the server as
     * {@code KEYS} does; its cost grows with the keys held, so callers scan seldom (the live page: once per refresh).
     */
    public Set<String> scan(String pattern, int max) {
        Set<String> keys = new LinkedHashSet<>();
        if (cluster == null) {
            try (Jedis jedis = pool.getResource()) {
                scan(jedis, pattern, max, keys);
            }
            return keys;
        }
        for (JedisPool node : cluster.getClusterNodes().values()) {
            try (Jedis jedis = node.getResource()) {
                scan(jedis, pattern, max, keys);
            }
        }
        return keys;
    }

    private void scan(Jedis jedis, String pattern, int max, Set<String> keys) {
        ScanParams params = new ScanParams().match(pattern).count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = jedis.scan(cursor, params);
            roundTrips.increment();
            for (String k : page.getResult()) {
                if (keys.size() < max) {
                    keys.add(k);
                }
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START) && keys.size() < max);
    }

    /** Whether Redis answers a PING: the server, or in a cluster every node the client knows (none known: no). */
    public boolean ping() {
        if (cluster == null) {
            try (Jedis jedis = pool.getResource()) {
                return "PONG".equals(jedis.ping());
            }
        }
        Map<String, JedisPool> nodes = cluster.getClusterNodes();
        for (JedisPool node : nodes.values()) {
            try (Jedis jedis = node.getResource()) {
                if (!"PONG".equals(jedis.ping())) {
                    return false;
                }
            }
        }
        return !nodes.isEmpty();
    }

    /** Round trips to Redis so far (a pipeline is one; in a cluster, one per master, and one per redirected key). */
    public long roundTrips() {
        return roundTrips.sum();
    }

    @Override
    public String toString() {
        return connection.toString();
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }
}
