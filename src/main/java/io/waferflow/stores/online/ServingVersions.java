package io.waferflow.stores.online;

import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.ScanParams;
import redis.clients.jedis.ScanResult;
import redis.clients.jedis.Transaction;

/**
 * Which version of a feature group readers should serve, in Redis: the hash {@code <prefix>:serving:<group>} with
 * {@code current}, {@code previous} and {@code switched_at}. Two versions can be written side by side
 * ({@code <prefix>:<group>:v1:*}, {@code ...:v2:*}); readers look up {@code current} and read that version's keys, so
 * switching and rolling back are one atomic write each, and neither touches the features.
 */
public final class ServingVersions {

    public static final String CURRENT = "current";
    public static final String PREVIOUS = "previous";
    public static final String SWITCHED_AT = "switched_at";

    private final Jedis jedis;
    private final String prefix;

    public ServingVersions(Jedis jedis, String prefix) {
        this.jedis = jedis;
        this.prefix = prefix;
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

    /** Whether any entity has features of this version online. */
    public boolean hasData(String group, String version) {
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
        Transaction t = jedis.multi();
        old.ifPresent(v -> t.hset(key(prefix, group), PREVIOUS, v));
        t.hset(key(prefix, group), CURRENT, version);
        t.hset(key(prefix, group), SWITCHED_AT, Long.toString(System.currentTimeMillis()));
        t.exec();
        return old;
    }
}
