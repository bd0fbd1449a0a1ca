package io.waferflow.config;

import java.io.Serializable;

/**
 * How to reach and authenticate to the online store's Redis ({@code redis.host}, {@code redis.port}, {@code redis.user},
 * {@code redis.password}, {@code redis.tls*}): one value for every Redis client of WaferFlow (the job's sinks, the
 * CLI's {@code version} commands, the served-version claim), which all connect through
 * {@code io.waferflow.stores.online.RedisClients}.
 *
 * <p>Authentication: a password alone authenticates as the {@code default} user ({@code requirepass}); with
 * {@code redis.user} it is {@code AUTH user password} for an ACL user (Redis 6+). TLS: the server's certificate is
 * checked against {@code redis.tls_ca_file} (PEM; empty: the JVM's trust store) and, unless
 * {@code redis.tls_verify_hostname} is false, against the host name; {@code redis.tls_keystore_file} (PKCS #12) is
 * the client certificate a server with {@code tls-auth-clients yes} (Redis's default) asks for. The files are read
 * where the client runs (each TaskManager, and the machine that starts the job).
 */
public final class RedisConnection implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Connect and read timeout of every Redis client. */
    public static final int TIMEOUT_MILLIS = 5_000;

    private final String host;
    private final int port;
    private final String user;
    private final Secret password;
    private final boolean tls;
    private final String tlsCaFile;
    private final String tlsKeystoreFile;
    private final Secret tlsKeystorePassword;
    private final boolean tlsVerifyHostname;

    private RedisConnection(String host, int port, String user, Secret password, boolean tls, String tlsCaFile,
                            String tlsKeystoreFile, Secret tlsKeystorePassword, boolean tlsVerifyHostname) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.tls = tls;
        this.tlsCaFile = tlsCaFile;
        this.tlsKeystoreFile = tlsKeystoreFile;
        this.tlsKeystorePassword = tlsKeystorePassword;
        this.tlsVerifyHostname = tlsVerifyHostname;
    }

    /** A plain connection: no password, no TLS (local services). */
    public static RedisConnection plain(String host, int port) {
        return new RedisConnection(host, port, "", Secret.none(), false, "", "", Secret.none(), true);
    }

    public static RedisConnection from(RawConfig raw) {
        String host = raw.string("redis.host");
        int port = raw.integer("redis.port", 1, 65535);
        String user = raw.string("redis.user", "");
        Secret password = Secret.of(raw.string("redis.password", ""));
        if (!user.isEmpty() && password.isEmpty()) {
            throw new ConfigException("redis.password", "is empty while redis.user is " + user,
                    "set the ACL user's password, e.g. redis.password: ${env:REDIS_PASSWORD}");
        }
        boolean tls = raw.bool("redis.tls", false);
        String ca = raw.string("redis.tls_ca_file", "");
        String keystore = raw.string("redis.tls_keystore_file", "");
        Secret keystorePassword = Secret.of(raw.string("redis.tls_keystore_password", ""));
        boolean verifyHostname = raw.bool("redis.tls_verify_hostname", true);
        if (!tls) {
            for (String key : new String[] {"redis.tls_ca_file", "redis.tls_keystore_file"}) {
                if (raw.optional(key).isPresent()) {
                    throw new ConfigException(key, "is set but redis.tls is false",
                            "set redis.tls: true (the server's tls-port), or leave " + key + " empty");
                }
            }
        }
        if (keystore.isEmpty() && !keystorePassword.isEmpty()) {
            throw new ConfigException("redis.tls_keystore_password", "is set without redis.tls_keystore_file",
                    "name the PKCS #12 client certificate file, or leave the password empty");
        }
        return new RedisConnection(host, port, user, password, tls, ca, keystore, keystorePassword, verifyHostname);
    }

    /** The same credentials and TLS settings for another server (a local redis-server on a port chosen at start). */
    public RedisConnection at(String otherHost, int otherPort) {
        return new RedisConnection(otherHost, otherPort, user, password, tls, tlsCaFile, tlsKeystoreFile,
                tlsKeystorePassword, tlsVerifyHostname);
    }

    /** The same server with credentials: an ACL user (or "" for Redis's default user) and its password. */
    public RedisConnection withCredentials(String aclUser, Secret secret) {
        return new RedisConnection(host, port, aclUser, secret, tls, tlsCaFile, tlsKeystoreFile, tlsKeystorePassword,
                tlsVerifyHostname);
    }

    /** The same server and credentials over TLS. */
    public RedisConnection withTls(String caFile, String keystoreFile, Secret keystorePassword,
                                   boolean verifyHostname) {
        return new RedisConnection(host, port, user, password, true, caFile, keystoreFile, keystorePassword,
                verifyHostname);
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The ACL user; empty: Redis's default user. */
    public String user() {
        return user;
    }

    /** Empty: no AUTH. */
    public Secret password() {
        return password;
    }

    public boolean tls() {
        return tls;
    }

    /** PEM CA certificate(s) the server's certificate must chain to; empty: the JVM's default trust store. */
    public String tlsCaFile() {
        return tlsCaFile;
    }

    /** PKCS #12 file with the client's certificate and key; empty: no client certificate. */
    public String tlsKeystoreFile() {
        return tlsKeystoreFile;
    }

    public Secret tlsKeystorePassword() {
        return tlsKeystorePassword;
    }

    public boolean tlsVerifyHostname() {
        return tlsVerifyHostname;
    }

    /** For messages and logs: where, as whom, whether TLS; never the password. */
    @Override
    public String toString() {
        return (tls ? "rediss://" : "redis://") + (user.isEmpty() ? "" : user + "@") + host + ":" + port
                + (password.isEmpty() ? "" : " (password " + password + ")");
    }
}
