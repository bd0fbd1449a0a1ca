package io.waferflow.stores.online;

import io.waferflow.config.RedisConnection;
import io.waferflow.config.RedisConnection.Mode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolAbstract;
import redis.clients.jedis.JedisSentinelPool;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The one way WaferFlow opens Redis connections, so every client (the job's sinks, the CLI, local services) honours
 * {@code redis.mode}, {@code redis.user}, {@code redis.password} and {@code redis.tls*} alike: Jedis authenticates each
 * new connection ({@code AUTH [user] password}) and wraps it in TLS before any command. The Jedis is the one Bahir's
 * connector brings; Bahir's own connection configurations ({@code FlinkJedisPoolConfig},
 * {@code FlinkJedisClusterConfig}, {@code FlinkJedisSentinelConfig}) carry a password but no ACL user and no TLS, which
 * the online store's security settings need.
 */
public final class RedisClients {

    private static final int CLUSTER_REDIRECTIONS = 5;

    private RedisClients() {}

    /**
     * One connection to the server that takes writes (the standalone server, Sentinel's current master, or in a cluster
     * the first seed node that answers: enough for PING; for a key use {@link #jedisForKey}); the caller closes it.
     */
    public static Jedis jedis(RedisConnection c) {
        return switch (c.mode()) {
            case STANDALONE -> new Jedis(new HostAndPort(c.host(), c.port()), clientConfig(c));
            case SENTINEL -> new Jedis(sentinelMaster(c), clientConfig(c));
            case CLUSTER -> firstAnswering(c);
        };
    }

    /** One connection to the server that holds {@code key}: in a cluster, the master of the key's slot. */
    public static Jedis jedisForKey(RedisConnection c, String key) {
        if (c.mode() != Mode.CLUSTER) {
            return jedis(c);
        }
        int slot = JedisClusterCRC16.getSlot(key);
        try (Jedis seed = firstAnswering(c)) {
            for (Object range : seed.clusterSlots()) {
                List<?> r = (List<?>) range;
                if ((Long) r.get(0) <= slot && slot <= (Long) r.get(1)) {
                    return new Jedis(address((List<?>) r.get(2)), clientConfig(c));
                }
            }
        }
        throw new IllegalStateException("no master of the cluster " + c + " serves slot " + slot + " (of " + key + ")");
    }

    /** The masters that hold the data: one, or in a cluster every master (to scan every key). */
    public static List<HostAndPort> masters(RedisConnection c) {
        if (c.mode() != Mode.CLUSTER) {
            return List.of(c.mode() == Mode.SENTINEL ? sentinelMaster(c) : new HostAndPort(c.host(), c.port()));
        }
        Set<HostAndPort> masters = new LinkedHashSet<>();
        try (Jedis seed = firstAnswering(c)) {
            for (Object range : seed.clusterSlots()) {
                masters.add(address((List<?>) ((List<?>) range).get(2)));
            }
        }
        return new ArrayList<>(masters);
    }

    /** A connection to {@code address} with the online store's credentials and TLS settings. */
    public static Jedis jedis(RedisConnection c, HostAndPort address) {
        return new Jedis(address, clientConfig(c));
    }

    /**
     * A pool of authenticated connections to the server that takes writes (standalone mode: the server; sentinel mode:
     * the current master, followed through failovers). Not for cluster mode: see {@link #cluster}.
     */
    public static JedisPoolAbstract pool(RedisConnection c, GenericObjectPoolConfig<Jedis> poolConfig) {
        return switch (c.mode()) {
            case STANDALONE -> new JedisPool(poolConfig, new HostAndPort(c.host(), c.port()), clientConfig(c));
            case SENTINEL ->
                new JedisSentinelPool(c.sentinelMaster(), hosts(c), poolConfig, clientConfig(c), sentinelConfig(c));
            case CLUSTER -> throw new IllegalArgumentException(c + " is a cluster: use RedisClients.cluster");
        };
    }

    /** A cluster client: learns the slots from the seed nodes, keeps a pool per master, follows redirections. */
    public static JedisCluster cluster(RedisConnection c, GenericObjectPoolConfig<Jedis> poolConfig) {
        return new JedisCluster(hosts(c), clientConfig(c), CLUSTER_REDIRECTIONS, poolConfig);
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

    /** Sentinels are asked without the data nodes' credentials (a sentinel has its own, rarely set). */
    private static JedisClientConfig sentinelConfig(RedisConnection c) {
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(RedisConnection.TIMEOUT_MILLIS)
                .socketTimeoutMillis(RedisConnection.TIMEOUT_MILLIS);
        if (c.tls()) {
            b.ssl(true).sslSocketFactory(RedisTls.socketFactory(c)).sslParameters(RedisTls.parameters(c));
        }
        return b.build();
    }

    private static HostAndPort sentinelMaster(RedisConnection c) {
        JedisConnectionException last = null;
        for (HostAndPort sentinel : hosts(c)) {
            try (Jedis s = new Jedis(sentinel, sentinelConfig(c))) {
                List<String> master = s.sentinelGetMasterAddrByName(c.sentinelMaster());
                if (master != null && master.size() == 2) {
                    return new HostAndPort(master.get(0), Integer.parseInt(master.get(1)));
                }
            } catch (JedisConnectionException e) {
                last = e;
            }
        }
        throw new JedisConnectionException("no sentinel of " + c + " knows a master named " + c.sentinelMaster(), last);
    }

    private static Jedis firstAnswering(RedisConnection c) {
        JedisConnectionException last = null;
        for (HostAndPort node : hosts(c)) {
            Jedis jedis = new Jedis(node, clientConfig(c));
            try {
                jedis.ping();
                return jedis;
            } catch (JedisConnectionException e) {
                jedis.close();
                last = e;
            }
        }
        throw new JedisConnectionException("no seed node of " + c + " answers", last);
    }

    private static Set<HostAndPort> hosts(RedisConnection c) {
        Set<HostAndPort> hosts = new LinkedHashSet<>();
        for (String address : c.addresses()) {
            hosts.add(HostAndPort.from(address));
        }
        return hosts;
    }

    private static HostAndPort address(List<?> node) {
        Object host = node.get(0);
        String h = host instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : host.toString();
        return new HostAndPort(h, ((Long) node.get(1)).intValue());
    }
}
