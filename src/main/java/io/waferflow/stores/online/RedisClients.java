package io.waferflow.stores.online;

import io.waferflow.config.RedisConnection;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPool;

/**
 * The one way WaferFlow opens Redis connections, so every client (the job's sinks, the CLI, local services) honours
 * {@code redis.user}, {@code redis.password} and {@code redis.tls*} alike: Jedis authenticates each new connection
 * ({@code AUTH [user] password}) and wraps it in TLS before any command.
 */
public final class RedisClients {

    private RedisClients() {}

    /** One connection; the caller closes it. */
    public static Jedis jedis(RedisConnection c) {
        return new Jedis(new HostAndPort(c.host(), c.port()), clientConfig(c));
    }

    /** A pool of authenticated connections (the online writers' {@link RedisStore}). */
    public static JedisPool pool(RedisConnection c, GenericObjectPoolConfig<Jedis> poolConfig) {
        return new JedisPool(poolConfig, new HostAndPort(c.host(), c.port()), clientConfig(c));
    }

    static JedisClientConfig clientConfig(RedisConnection c) {
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(RedisConnection.TIMEOUT_MILLIS)
                .socketTimeoutMillis(RedisConnection.TIMEOUT_MILLIS);
        if (!c.password().isEmpty()) {
            b.password(c.password().value());
            if (!c.user().isEmpty()) {
                b.user(c.user());
            }
        }
        if (c.tls()) {
            b.ssl(true).sslSocketFactory(RedisTls.socketFactory(c)).sslParameters(RedisTls.parameters(c));
        }
        return b.build();
    }
}
