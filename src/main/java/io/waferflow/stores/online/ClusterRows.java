package io.waferflow.stores.online;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A batch of rows written to a Redis Cluster: Jedis 3 has no cluster pipeline, so the rows are grouped by the master
 * that holds their key's slot and each group goes to its master in one pipelined round trip ({@link RowScript}): one
 * round trip per master per batch. The row script touches only its own key, so it runs on any node. A row whose slot
 * moved since the client learnt the slots (a resharding, a failover) is written once more through {@link JedisCluster},
 * which follows the redirection and learns the new slots.
 */
final class ClusterRows {

    private ClusterRows() {}

    static boolean[] writeAll(JedisCluster cluster, List<RedisHashWrite> rows) {
        boolean[] written = new boolean[rows.size()];
        Map<String, Jedis> masters = new LinkedHashMap<>();
        Map<String, List<Integer>> rowsOf = new LinkedHashMap<>();
        try {
            for (int i = 0; i < rows.size(); i++) {
                Jedis jedis = cluster.getConnectionFromSlot(JedisClusterCRC16.getSlot(rows.get(i).key));
                String master =
                        jedis.getClient().getHost() + ":" + jedis.getClient().getPort();
                if (masters.putIfAbsent(master, jedis) != null) {
                    jedis.close(); // back to that master's pool: one connection per master is enough
                }
                rowsOf.computeIfAbsent(master, m -> new ArrayList<>()).add(i);
            }
            for (Map.Entry<String, List<Integer>> group : rowsOf.entrySet()) {
                List<Integer> indexes = group.getValue();
                List<RedisHashWrite> mine = new ArrayList<>(indexes.size());
                indexes.forEach(i -> mine.add(rows.get(i)));
                boolean[] mineWritten = new boolean[mine.size()];
                List<Integer> moved = RowScript.writeAll(masters.get(group.getKey()), mine, mineWritten);
                for (int m = 0; m < mine.size(); m++) {
                    written[indexes.get(m)] = mineWritten[m];
                }
                for (int m : moved) {
                    RedisHashWrite w = mine.get(m);
                    Object answer = cluster.eval(RowScript.WRITE_ROW, List.of(w.key), RowScript.arguments(w));
                    written[indexes.get(m)] = Long.valueOf(1).equals(answer);
                }
            }
        } finally {
            masters.values().forEach(Jedis::close);
        }
        return written;
    }
}
