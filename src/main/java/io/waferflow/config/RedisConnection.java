package io.waferflow.config;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * How to reach and authenticate to the online store's Redis: one value for every Redis client of WaferFlow (the job's
 * sinks, the CLI's {@code version} commands, the served-version claim), which all connect through
 * {@code io.waferflow.stores.online.RedisClients}. The job's comes from the {@code redis} section
 * ({@link RedisSection}).
 *
 * <p>Authentication: a password alone authenticates as the {@code default} user ({@code requirepass}); with a
 * {@code user} it is {@code AUTH user password} for an ACL user (Redis 6+). TLS: the server's certificate is checked
 * against {@code tlsCaFile} (PEM; empty: the JVM's trust store) and, unless {@code tlsVerifyHostname} is false, against
 * the host name; {@code tlsKeystoreFile} (PKCS #12) is the client certificate a server with {@code tls-auth-clients
 * yes} (Redis's default) asks for. The files are read where the client runs (each TaskManager, and the machine that
 * starts the job).
 *
 * <p>Topology ({@code mode}): a standalone server at {@code host:port}; a cluster, found from its seed nodes
 * {@code host:port} and {@code nodes}; or the master that Sentinel names {@code sentinelMaster}, found by asking the
 * sentinels at {@code host:port} and {@code nodes} (which follow a failover). Credentials and TLS are the data nodes';
 * sentinels are asked without credentials, over TLS when {@code tls} is set.
 *
 * @param user the ACL user; empty: Redis's default user
 * @param password empty: no AUTH
 * @param nodes more seed nodes (cluster) or sentinels (sentinel), each {@code host:port}
 * @param sentinelMaster the master's name in Sentinel (sentinel mode only)
 */
public record RedisConnection(
        String host,
        int port,
        String user,
        Secret password,
        boolean tls,
        String tlsCaFile,
        String tlsKeystoreFile,
        Secret tlsKeystorePassword,
        boolean tlsVerifyHostname,
        Mode mode,
        List<String> nodes,
        String sentinelMaster)
        implements Serializable {

    public enum Mode {
        STANDALONE,
        CLUSTER,
        SENTINEL
    }

    public RedisConnection {
        nodes = List.copyOf(nodes);
    }

    /** Connect and read timeout of every Redis client. */
    public static final int TIMEOUT_MILLIS = 5_000;

    /** A plain connection: no password, no TLS (local services). */
    public static RedisConnection plain(String host, int port) {
        return new RedisConnection(
                host, port, "", Secret.none(), false, "", "", Secret.none(), true, Mode.STANDALONE, List.of(), "");
    }

    /** Every address given: {@code host:port} first, then {@code nodes}. */
    public List<String> addresses() {
        List<String> all = new ArrayList<>();
        all.add(host + ":" + port);
        all.addAll(nodes);
        return all;
    }

    /** The same credentials and TLS settings for another topology, e.g. a cluster of local redis-servers. */
    public RedisConnection inMode(Mode otherMode, List<String> otherNodes, String master) {
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
                otherMode,
                otherNodes,
                master);
    }

    /** The same credentials and TLS settings for another server (a local redis-server on a port chosen at start). */
    public RedisConnection at(String otherHost, int otherPort) {
        return new RedisConnection(
                otherHost,
                otherPort,
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

    /** The same server with credentials: an ACL user (or "" for Redis's default user) and its password. */
    public RedisConnection withCredentials(String aclUser, Secret secret) {
        return new RedisConnection(
                host,
                port,
                aclUser,
                secret,
                tls,
                tlsCaFile,
                tlsKeystoreFile,
                tlsKeystorePassword,
                tlsVerifyHostname,
                mode,
                nodes,
                sentinelMaster);
    }

    /** The same server and credentials over TLS. */
    public RedisConnection withTls(
            String caFile, String keystoreFile, Secret keystorePassword, boolean verifyHostname) {
        return new RedisConnection(
                host,
                port,
                user,
                password,
                true,
                caFile,
                keystoreFile,
                keystorePassword,
                verifyHostname,
                mode,
                nodes,
                sentinelMaster);
    }

    /** For messages and logs: where, as whom, whether TLS; never the password. */
    @Override
    public String toString() {
        String where = mode == Mode.STANDALONE ? host + ":" + port : String.join(",", addresses());
        String topology = switch (mode) {
            case STANDALONE -> "";
            case CLUSTER -> " (cluster)";
            case SENTINEL -> " (master " + sentinelMaster + " of sentinels)";
        };
        return (tls ? "rediss://" : "redis://")
                + (user.isEmpty() ? "" : user + "@")
                + where
                + topology
                + (password.isEmpty() ? "" : " (password " + password + ")");
    }
}
