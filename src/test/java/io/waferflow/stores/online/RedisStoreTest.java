package io.waferflow.stores.online;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisClusterException;
import redis.clients.jedis.exceptions.JedisClusterMaxAttemptsException;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoReachableClusterNodeException;

/** What the online writers wait out (no connection) and what fails the job (the server or its certificate said no). */
class RedisStoreTest {

    @Test
    void noConnectionIsAnOutage() {
        assertThat(RedisStore.isOutage(new JedisConnectionException(
                        "Could not get a resource from the pool",
                        new JedisConnectionException(new ConnectException("Connection refused")))))
                .isTrue();
        assertThat(RedisStore.isOutage(new JedisConnectionException("Unexpected end of stream.")))
                .isTrue();
    }

    /** What JedisCluster throws when its nodes do not answer, or a slot has no master, is an outage too. */
    @Test
    void aClusterThatDoesNotAnswerIsAnOutage() {
        assertThat(RedisStore.isOutage(new JedisClusterMaxAttemptsException("No more cluster attempts left.")))
                .isTrue();
        assertThat(RedisStore.isOutage(new JedisClusterOperationException("Cluster retry deadline exceeded.")))
                .isTrue();
        assertThat(RedisStore.isOutage(new JedisNoReachableClusterNodeException("No reachable node in cluster")))
                .isTrue();
        assertThat(RedisStore.isOutage(new JedisClusterException("CLUSTERDOWN The cluster is down")))
                .isTrue();
        assertThat(RedisStore.isOutage(new JedisClusterOperationException(
                        "No way to dispatch this command to Redis Cluster because keys have different slots.")))
                .as("a command no cluster can run")
                .isFalse();
    }

    @Test
    void aRefusalIsNoOutageEvenWrappedInAConnectionError() {
        assertThat(RedisStore.isOutage(new JedisConnectionException(
                        "Could not get a resource from the pool",
                        new JedisDataException("WRONGPASS invalid username-password pair"))))
                .isFalse();
        assertThat(RedisStore.isOutage(new JedisDataException(
                        "WRONGTYPE Operation against a key holding the wrong" + " kind of value")))
                .isFalse();
        assertThat(RedisStore.isOutage(new JedisConnectionException(
                        new SSLPeerUnverifiedException("certificate does not name 127.0.0.1"))))
                .isFalse();
        assertThat(RedisStore.isOutage(new IllegalStateException("a bug"))).isFalse();
    }
}
