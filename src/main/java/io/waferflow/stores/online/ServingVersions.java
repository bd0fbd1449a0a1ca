package io.waferflow.stores.online;

import io.waferflow.config.RedisConnection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.ScanParams;
import redis.clients.jedis.ScanResult;

/**
 * Which version of a feature group readers should serve, in Redis: the hash {@code <prefix>:serving:<group>} with
 * {@code current}, {@code previous} and {@code switched_at}. Two versions can be written side by side
 * ({@code <prefix>:<group>:v1:*}, {@code ...:v2:*}); readers look up {@code current} and read that version's keys, so
 * switching and rolling back are one atomic write each, and neither touches the features.
 */
public final class ServingVersions implements AutoCloseable {

    public static final String CURRENT = "current";
    public static final String PREVIOUS = "previous";
    public static final String SWITCHED_AT = "switched_at";

    private final Jedis jedis;
    private final String prefix;
    /** Where to look for a version's features: every master of a cluster; null: the server of {@code jedis}. */
    private final RedisConnection connection;

    /**
     * The pointers on the server {@code jedis} is connected to, which also holds the features; the caller closes it.
     */
    public ServingVersions(Jedis jedis, String prefix) {
        this(jedis, prefix, null);
    }

    private ServingVersions(Jedis jedis, String prefix, RedisConnection connection) {
        this.jedis = jedis;
        this.prefix = prefix;
        this.connection = connection;
    }

    /**
     * The pointer of {@code group} in the online store of {@code c}, in any mode (in a cluster, on its slot's master).
     */
    public static ServingVersions open(RedisConnection c, String prefix, String group) {
        return new ServingVersions(RedisClients.jedisForKey(c, key(prefix, group)), prefix, c);
    }

    public static String key(String prefix, String group) {
        return prefix + ":serving:" + group;
    }

    public Map<String, String> state(String group) {
        return jedis.hgetAll(key(prefix, group));
    }

    public Optional<String> current(String group) {
        return Optional.ofNullable(jedis.hget(key(prefix, group), CURRENT));
    }

    /** The first version of a group to run becomes current; later ones wait for an explicit switch. */
    public boolean claimIfUnset(String group, String version) {
        boolean claimed = jedis.hsetnx(key(prefix, group), CURRENT, version) == 1;
        if (claimed) {
            jedis.hset(key(prefix, group), SWITCHED_AT, Long.toString(System.currentTimeMillis()));
        }
        return claimed;
    }

    /** Whether any entity has features of this version online (in a cluster, on any master). */
    public boolean hasData(String group, String version) {
        if (connection == null || connection.mode() != RedisConnection.Mode.CLUSTER) {
            return hasData(jedis, group, version);
        }
        for (HostAndPort master : RedisClients.masters(connection)) {
            try (Jedis node = RedisClients.jedis(connection, master)) {
                if (hasData(node, group, version)) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean hasData(Jedis jedis, String group, String version) {
        ScanParams match = new ScanParams()
                .match(OnlineKeys.key(prefix, group, version, "*"))
                .count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = jedis.scan(cursor, match);
            if (!page.getResult().isEmpty()) {
                return true;
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return false;
    }

    /** Makes {@code version} current and remembers the one it replaces; returns that one (empty if none). */
    public Optional<String> switchTo(String group, String version) {
        Optional<String> old = current(group);
        Map<String, String> pointer = new HashMap<>();
        old.ifPresent(v -> pointer.put(PREVIOUS, v));
        pointer.put(CURRENT, version);
        pointer.put(SWITCHED_AT, Long.toString(System.currentTimeMillis()));
        jedis.hset(key(prefix, group), pointer); // one HSET of every field: atomic, as MULTI was, and cluster-safe
        return old;
    }

    /** Closes the connection {@link #open} opened; the caller's own, given to the constructor, too. */
    @Override
    public void close() {
        jedis.close();
    }
}
