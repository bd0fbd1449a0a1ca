package io.waferflow.stores.online;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.testing.RedisServerProcess;
import io.waferflow.testing.RedisTopology;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A slot that moves to another master after the clients learnt the slots (a resharding), in a real three-master
 * cluster: the batch still goes to each master in one pipeline ({@link KeysByMaster}, by the slots as the client knew
 * them), the moved key is redirected (MOVED) and read or written once more through JedisCluster, and the next batch
 * goes where the slot is now.
 */
@Timeout(120)
class ClusterRedirectionTest {

    @TempDir
    Path dir;

    private static List<String> keys(String prefix) {
        return IntStream.range(0, 30).mapToObj(i -> prefix + i).toList();
    }

    private static Set<Integer> owners(RedisTopology cluster, List<String> keys) {
        Set<Integer> ports = new HashSet<>();
        keys.forEach(
                k -> ports.add(cluster.ownerOf(JedisClusterCRC16.getSlot(k)).port()));
        return ports;
    }

    private static RedisServerProcess anotherMaster(RedisTopology cluster, String key) {
        RedisServerProcess from = cluster.ownerOf(JedisClusterCRC16.getSlot(key));
        return cluster.servers().stream().filter(m -> m != from).findFirst().orElseThrow();
    }

    @Test
    void aMovedKeyIsReadAndWrittenWhereItIsNow() throws Exception {
        try (RedisTopology cluster = RedisTopology.cluster(dir);
                RedisReader reader = RedisReader.open(cluster.connection(), new GenericObjectPoolConfig<>());
                RedisStore store = RedisStore.connect(cluster.connection())) {
            List<String> keys = keys("moving:");
            List<RedisHashWrite> rows = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                rows.add(new RedisHashWrite(
                        keys.get(i), new String[] {"v", "window_end"}, new String[] {"a" + i, "1000"}, 600, 1000));
            }
            assertThat(store.writeAll(rows)).containsOnly(true);
            assertThat(reader.read(keys, "v")).extracting(r -> r[0]).first().isEqualTo("a0");
            int mastersBefore = owners(cluster, keys).size();

            cluster.moveSlot(JedisClusterCRC16.getSlot(keys.get(0)), anotherMaster(cluster, keys.get(0)));
            long tripsBefore = reader.roundTrips();
            List<String[]> read = reader.read(keys, "v", "window_end");

            for (int i = 0; i < keys.size(); i++) {
                assertThat(read.get(i)).as(keys.get(i)).containsExactly("a" + i, "1000");
            }
            assertThat(reader.roundTrips() - tripsBefore)
                    .as("a pipeline per master as the reader knew them, and the moved key once more")
                    .isEqualTo(mastersBefore + 1);
            tripsBefore = reader.roundTrips();
            reader.read(keys, "v");
            assertThat(reader.roundTrips() - tripsBefore)
                    .as("the reader learnt the new slots: no redirection")
                    .isEqualTo(owners(cluster, keys).size());

            // The writer learnt the slots at its first batch; the moved key is written through JedisCluster.
            cluster.moveSlot(JedisClusterCRC16.getSlot(keys.get(1)), anotherMaster(cluster, keys.get(1)));
            List<RedisHashWrite> newer = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                newer.add(new RedisHashWrite(
                        keys.get(i), new String[] {"v", "window_end"}, new String[] {"b" + i, "2000"}, 600, 2000));
            }
            assertThat(store.writeAll(newer)).containsOnly(true);
            RedisServerProcess owner = cluster.ownerOf(JedisClusterCRC16.getSlot(keys.get(1)));
            try (Jedis node = new Jedis(owner.host(), owner.port())) {
                assertThat(node.hget(keys.get(1), "v")).isEqualTo("b1");
            }
            long evals = 0;
            for (RedisServerProcess master : cluster.servers()) {
                try (Jedis node = new Jedis(master.host(), master.port())) {
                    evals += node.info("commandstats")
                            .lines()
                            .filter(l -> l.startsWith("cmdstat_eval:"))
                            .mapToLong(l -> Long.parseLong(l.replaceAll("^cmdstat_eval:calls=(\\d+),.*", "$1")))
                            .sum();
                }
            }
            assertThat(evals)
                    .as("both slots moved since the writer learnt them: those rows sent once more through JedisCluster")
                    .isEqualTo(2);
            assertThat(reader.read(keys, "v"))
                    .extracting(r -> r[0])
                    .containsExactlyElementsOf(
                            IntStream.range(0, 30).mapToObj(i -> "b" + i).toList());
        }
    }
}
