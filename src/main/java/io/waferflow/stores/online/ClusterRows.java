package io.waferflow.stores.online;

import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.JedisCluster;

/**
 * A batch of rows written to a Redis Cluster: grouped by the master that holds their key's slot ({@link KeysByMaster}),
 * each group sent to its master in one pipelined round trip ({@link RowScript}, one row a script call: the keys of a
 * call must share a slot): one round trip per master per batch. A row whose slot moved since the client learnt the
 * slots (a resharding, a failover) is written once more through {@link JedisCluster}, which follows the redirection and
 * learns the new slots.
 */
final class ClusterRows {

    private ClusterRows() {}

    static boolean[] writeAll(JedisCluster cluster, List<RedisHashWrite> rows) {
        boolean[] written = new boolean[rows.size()];
        List<Integer> moved = new ArrayList<>();
        List<String> keys = new ArrayList<>(rows.size());
        rows.forEach(w -> keys.add(w.key));
        try (KeysByMaster byMaster = KeysByMaster.group(cluster, keys)) {
            for (KeysByMaster.Group group : byMaster.groups()) {
                List<RedisHashWrite> mine = group.of(rows);
                boolean[] mineWritten = new boolean[mine.size()];
                List<Integer> redirected = RowScript.writeAll(group.master(), mine, 1, mineWritten);
                for (int m = 0; m < mine.size(); m++) {
                    written[group.positions().get(m)] = mineWritten[m];
                }
                redirected.forEach(m -> moved.add(group.positions().get(m)));
            }
        }
        // After the batch's connections are back: the cluster client takes its own from the same pools.
        for (int i : moved) {
            RedisHashWrite w = rows.get(i);
            Object answer = cluster.eval(RowScript.WRITE_ROWS, List.of(w.key), RowScript.arguments(w));
            written[i] = Long.valueOf(1).equals(((List<?>) answer).get(0));
        }
        return written;
    }
}
