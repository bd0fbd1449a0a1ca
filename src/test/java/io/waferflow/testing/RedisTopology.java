package io.waferflow.testing;

import io.waferflow.config.RedisConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.MigrateParams;

/**
 * Real redis-server processes in the two topologies besides a standalone server: a Redis Cluster of three masters
 * (created as an operator would, with {@code redis-cli --cluster create}), and a master with a replica watched by one
 * Sentinel. Closing stops every process.
 */
public final class RedisTopology implements AutoCloseable {

    private final List<RedisServerProcess> servers = new ArrayList<>();
    private final RedisConnection connection;

    private RedisTopology(List<RedisServerProcess> servers, RedisConnection connection) {
        this.servers.addAll(servers);
        this.connection = connection;
    }

    /** Three masters, the 16,384 slots spread over them; returns once every node says {@code cluster_state:ok}. */
    public static RedisTopology cluster(Path dir) throws Exception {
        List<RedisServerProcess> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                nodes.add(RedisServerProcess.start(
                        dir.resolve("node" + i), "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"));
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            nodes.forEach(n -> create.add(n.host() + ":" + n.port()));
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            Process p = new ProcessBuilder(create)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("cluster-create.log").toFile())
                    .start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(
                        "redis-cli --cluster create failed: " + Files.readString(dir.resolve("cluster-create.log")));
            }
            for (RedisServerProcess n : nodes) {
                await("cluster_state:ok on " + n.port(), () -> {
                    try (Jedis j = new Jedis(n.host(), n.port())) {
                        return j.clusterInfo().contains("cluster_state:ok");
                    }
                });
            }
            RedisServerProcess seed = nodes.get(0);
            List<String> more = nodes.subList(1, 3).stream()
                    .map(n -> n.host() + ":" + n.port())
                    .toList();
            return new RedisTopology(nodes, seed.connection().inMode(RedisConnection.Mode.CLUSTER, more, ""));
        } catch (Exception e) {
            for (RedisServerProcess n : nodes) {
                n.close();
            }
            throw e;
        }
    }

    /** A master, its replica, and a Sentinel watching them as {@code mymaster} (quorum 1). */
    public static RedisTopology sentinel(Path dir) throws Exception {
        List<RedisServerProcess> servers = new ArrayList<>();
        try {
            RedisServerProcess master = RedisServerProcess.start(dir.resolve("master"));
            servers.add(master);
            RedisServerProcess replica = RedisServerProcess.start(
                    dir.resolve("replica"), "--replicaof", master.host(), Integer.toString(master.port()));
            servers.add(replica);
            await("the replica in sync", () -> {
                try (Jedis j = new Jedis(replica.host(), replica.port())) {
                    return j.info("replication").contains("master_link_status:up");
                }
            });
            RedisServerProcess sentinel = RedisServerProcess.sentinel(
                    dir.resolve("sentinel"),
                    "sentinel monitor mymaster " + master.host() + " " + master.port() + " 1",
                    "sentinel down-after-milliseconds mymaster 2000",
                    "sentinel failover-timeout mymaster 10000");
            servers.add(sentinel);
            await("the sentinel to know the replica", () -> {
                try (Jedis j = new Jedis(sentinel.host(), sentinel.port())) {
                    return !j.sentinelSlaves("mymaster").isEmpty();
                }
            });
            return new RedisTopology(
                    servers, sentinel.connection().inMode(RedisConnection.Mode.SENTINEL, List.of(), "mymaster"));
        } catch (Exception e) {
            for (RedisServerProcess s : servers) {
                s.close();
            }
            throw e;
        }
    }

    /**
     * Moves a cluster slot, with its keys, to the master {@code to}, as a resharding does (IMPORTING, MIGRATING,
     * MIGRATE, then SETSLOT NODE on every master): a client that learnt the slots before is redirected (MOVED) for its
     * keys.
     */
    public void moveSlot(int slot, RedisServerProcess to) {
        RedisServerProcess from = ownerOf(slot);
        try (Jedis source = new Jedis(from.host(), from.port());
                Jedis target = new Jedis(to.host(), to.port())) {
            String sourceId = source.clusterMyId();
            String targetId = target.clusterMyId();
            target.clusterSetSlotImporting(slot, sourceId);
            source.clusterSetSlotMigrating(slot, targetId);
            List<String> keys = source.clusterGetKeysInSlot(slot, 1000);
            if (!keys.isEmpty()) {
                source.migrate(to.host(), to.port(), 0, 5000, new MigrateParams(), keys.toArray(new String[0]));
            }
            for (RedisServerProcess master : servers) {
                try (Jedis j = new Jedis(master.host(), master.port())) {
                    j.clusterSetSlotNode(slot, targetId);
                }
            }
        }
    }

    /** The master that holds {@code slot}. */
    public RedisServerProcess ownerOf(int slot) {
        try (Jedis any = new Jedis(servers.get(0).host(), servers.get(0).port())) {
            for (Object range : any.clusterSlots()) {
                List<?> r = (List<?>) range;
                if ((Long) r.get(0) <= slot && slot <= (Long) r.get(1)) {
                    int port = ((Long) ((List<?>) r.get(2)).get(1)).intValue();
                    return servers.stream()
                            .filter(m -> m.port() == port)
                            .findFirst()
                            .orElseThrow();
                }
            }
        }
        throw new IllegalStateException("no master holds slot " + slot);
    }

    /** How WaferFlow reaches it: {@code redis.mode} cluster or sentinel, with the seed node or sentinel. */
    public RedisConnection connection() {
        return connection;
    }

    /** The {@code redis.*} overrides of a job that writes here. */
    public List<String> settings() {
        List<String> s = new ArrayList<>(List.of(
                "redis.host=" + connection.host(),
                "redis.port=" + connection.port(),
                "redis.mode=" + connection.mode().name().toLowerCase(java.util.Locale.ROOT)));
        if (!connection.nodes().isEmpty()) {
            s.add("redis.nodes=[\"" + String.join("\",\"", connection.nodes()) + "\"]");
        }
        if (!connection.sentinelMaster().isEmpty()) {
            s.add("redis.sentinel_master=" + connection.sentinelMaster());
        }
        return s;
    }

    /** The data servers: the cluster's masters, or the master and then the replica. */
    public List<RedisServerProcess> servers() {
        return connection.mode() == RedisConnection.Mode.SENTINEL ? servers.subList(0, 2) : servers;
    }

    public static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // not up yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() throws Exception {
        for (RedisServerProcess s : servers) {
            s.close();
        }
    }
}
