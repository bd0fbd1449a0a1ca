package io.waferflow.stores.online;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The keys of a batch grouped by the Redis Cluster master that holds each key's slot (as the client last learnt the
 * slots), each group with one pooled connection to its master. Jedis 3 has no cluster pipeline: a batch goes to a
 * cluster as one pipeline per group, one round trip per master it touches. A key whose slot has moved since is
 * redirected by the node (MOVED, ASK); the caller sends it again through {@link JedisCluster}, which follows the
 * redirection and learns the new slots. Closing gives the connections back to their pools.
 */
public final class KeysByMaster implements AutoCloseable {

    /** A master and the positions in the batch of the keys it holds, in batch order. */
    public record Group(Jedis master, List<Integer> positions) {

        /** The batch's elements at this group's positions. */
        public <T> List<T> of(List<T> batch) {
            List<T> mine = new ArrayList<>(positions.size());
            positions.forEach(p -> mine.add(batch.get(p)));
            return mine;
        }
    }

    private final List<Group> groups;

    private KeysByMaster(List<Group> groups) {
        this.groups = groups;
    }

    public static KeysByMaster group(JedisCluster cluster, List<String> keys) {
        Map<Integer, String> masterOfSlot = new HashMap<>();
        Map<String, List<Integer>> positions = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            String master = masterOfSlot.computeIfAbsent(
                    JedisClusterCRC16.getSlot(keys.get(i)), slot -> address(cluster, slot));
            positions.computeIfAbsent(master, m -> new ArrayList<>()).add(i);
        }
        // The connections are taken only now, one per master: a thread that held one while asking its master's pool
        // for another could wait for its own connection when every connection of the pool is taken.
        List<Group> groups = new ArrayList<>(positions.size());
        try {
            for (List<Integer> mine : positions.values()) {
                int slot = JedisClusterCRC16.getSlot(keys.get(mine.get(0)));
                groups.add(new Group(cluster.getConnectionFromSlot(slot), mine));
            }
        } catch (RuntimeException e) {
            groups.forEach(g -> g.master().close());
            throw e;
        }
        return new KeysByMaster(groups);
    }

    private static String address(JedisCluster cluster, int slot) {
        try (Jedis jedis = cluster.getConnectionFromSlot(slot)) {
            return jedis.getClient().getHost() + ":" + jedis.getClient().getPort();
        }
    }

    public List<Group> groups() {
        return groups;
    }

    @Override
    public void close() {
        groups.forEach(g -> g.master().close());
    }
}
