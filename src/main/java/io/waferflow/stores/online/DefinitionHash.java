package io.waferflow.stores.online;

import io.waferflow.config.RedisConnection;
import io.waferflow.config.registry.DefinitionFingerprint;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.Jedis;

/**
 * The definition a version's online rows were written with: the hash {@code <prefix>:registry:<group>:<version>} with
 * {@code definition} (its fingerprint), {@code definition_json} and {@code registered_at}. Set once, by the first
 * writer of the version; never expires (the rows do, the meaning of the version does not).
 */
public final class DefinitionHash {

    public static final String DEFINITION = "definition";
    public static final String DEFINITION_JSON = "definition_json";
    public static final String REGISTERED_AT = "registered_at";

    private DefinitionHash() {}

    public static String key(String prefix, String group, String version) {
        return prefix + ":registry:" + group + ":" + version;
    }

    /** The stored definition, if a writer stored one. */
    public static Optional<DefinitionFingerprint> read(RedisConnection c, String prefix, String group, String version) {
        String key = key(prefix, group, version);
        try (Jedis jedis = RedisClients.jedisForKey(c, key)) {
            return read(jedis, key);
        }
    }

    /**
     * Stores {@code mine} unless a definition is stored already (HSETNX: of two writers starting together, one wins),
     * and returns the one stored now.
     */
    public static DefinitionFingerprint claim(
            RedisConnection c, String prefix, String group, String version, DefinitionFingerprint mine) {
        String key = key(prefix, group, version);
        try (Jedis jedis = RedisClients.jedisForKey(c, key)) {
            if (jedis.hsetnx(key, DEFINITION, mine.fingerprint()) == 1) {
                jedis.hset(
                        key,
                        Map.of(DEFINITION_JSON, mine.json(), REGISTERED_AT, Long.toString(System.currentTimeMillis())));
                return mine;
            }
            return read(jedis, key).orElse(mine);
        }
    }

    private static Optional<DefinitionFingerprint> read(Jedis jedis, String key) {
        Map<String, String> h = jedis.hgetAll(key);
        String fingerprint = h.get(DEFINITION);
        if (fingerprint == null) {
            return Optional.empty();
        }
        return Optional.of(new DefinitionFingerprint(fingerprint, h.getOrDefault(DEFINITION_JSON, "")));
    }
}
