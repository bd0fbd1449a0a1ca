package io.waferflow.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * The {@code redis} section: the online store's server and credentials ({@link #connection()}, documented there), and
 * how the job writes it.
 *
 * @param mode standalone, cluster or sentinel ({@link RedisConnection})
 * @param nodes more cluster seed nodes or sentinels than {@code host:port}, each {@code host:port}
 * @param sentinelMaster the master's name in Sentinel, e.g. {@code mymaster}
 * @param ttl online feature keys expire this long after their last write
 * @param writers parallel Redis writers
 * @param batchRows rows a writer sends in one pipelined round trip (it sends fewer when 100 ms pass first, and before
 *     every checkpoint)
 */
public record RedisSection(
        String host,
        int port,
        String user,
        Secret password,
        boolean tls,
        String tlsCaFile,
        String tlsKeystoreFile,
        Secret tlsKeystorePassword,
        boolean tlsVerifyHostname,
        Duration ttl,
        String keyPrefix,
        int writers,
        int batchRows,
        RedisConnection.Mode mode,
        List<String> nodes,
        String sentinelMaster)
        implements Serializable {

    public RedisSection {
        for (String node : nodes) {
            if (!node.matches("[^:\\s]+:\\d{1,5}")) {
                throw InvalidValue.at("nodes", "has " + node + ", which is not host:port", "e.g. redis-2:6379");
            }
        }
        if (mode == RedisConnection.Mode.STANDALONE && !nodes.isEmpty()) {
            throw InvalidValue.at(
                    "nodes", "is set while redis.mode is standalone", "set redis.mode: cluster or sentinel");
        }
        if ((mode == RedisConnection.Mode.SENTINEL) == sentinelMaster.isEmpty()) {
            throw InvalidValue.at(
                    "sentinel_master",
                    mode == RedisConnection.Mode.SENTINEL
                            ? "is empty while redis.mode is sentinel"
                            : "is set while " + "redis.mode is " + mode.name().toLowerCase(java.util.Locale.ROOT),
                    "name the master the sentinels watch (sentinel mode only), e.g. mymaster");
        }
        Check.between("port", port, 1, 65535);
        if (!user.isEmpty() && password.isEmpty()) {
            throw InvalidValue.at(
                    "password",
                    "is empty while redis.user is " + user,
                    "set the ACL user's password, e.g. redis.password: ${env:REDIS_PASSWORD}");
        }
        if (!tls) {
            if (!tlsCaFile.isEmpty()) {
                throw tlsOff("tls_ca_file");
            }
            if (!tlsKeystoreFile.isEmpty()) {
                throw tlsOff("tls_keystore_file");
            }
        }
        if (tlsKeystoreFile.isEmpty() && !tlsKeystorePassword.isEmpty()) {
            throw InvalidValue.at(
                    "tls_keystore_password",
                    "is set without redis.tls_keystore_file",
                    "name the PKCS #12 client certificate file, or leave the password empty");
        }
        if (ttl.getSeconds() < 1 || ttl.getSeconds() > Integer.MAX_VALUE) {
            throw InvalidValue.at("ttl", "must be between 1 s and 68 years", "set e.g. \"7 d\"");
        }
        Check.between("writers", writers, 1, 256);
        Check.between("batch_rows", batchRows, 1, 100_000);
    }

    private static InvalidValue tlsOff(String key) {
        return InvalidValue.at(
                key,
                "is set but redis.tls is false",
                "set redis.tls: true (the server's tls-port), or leave redis." + key + " empty");
    }

    public RedisConnection connection() {
        return new RedisConnection(
                host,
                port,
                user,
                password,
                tls,
                tlsCaFile,
                tlsKeystoreFile,
                tlsKeystorePassword,
                tlsVerifyHostname,
                mode,
                nodes,
                sentinelMaster);
    }
}
