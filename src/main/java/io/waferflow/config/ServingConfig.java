package io.waferflow.config;

import java.io.Serializable;
import java.time.Duration;

/**
 * The {@code serving} section: how {@code waferflow serve} answers feature requests over HTTP. It reads the online
 * store the {@code redis} section names, and the feature group of {@code feature_group}.
 *
 * @param host the address to listen on: loopback unless told otherwise, so a server is never exposed by accident
 * @param port the port; 0 picks a free one (tests, the demo)
 * @param token a bearer token every request but {@code /health} and the live page's shell {@code /ui} (it holds no
 *     data) must carry; empty: none
 * @param threads request threads (each holds at most one Redis connection while it answers)
 * @param maxEntities most entities one request may ask for (more: 413)
 * @param maxBodyBytes largest request body read (more: 413)
 * @param versionRefresh how long the serving pointer ({@code <prefix>:serving:<group>}) read from Redis is reused
 *     before it is read again: a switch is seen within this time, and requests do not pay a second round trip
 * @param retryAfter the {@code Retry-After} of a 503 while Redis cannot be reached
 * @param baselineRefresh how long the drift baseline that derived features read is reused, when the job builds it in
 *     the stream (read from the job's drift hashes in Redis)
 */
public record ServingConfig(
        String host,
        int port,
        Secret token,
        int threads,
        int maxEntities,
        int maxBodyBytes,
        Duration versionRefresh,
        Duration retryAfter,
        Duration baselineRefresh,
        Cache cache)
        implements Serializable {

    public ServingConfig {
        if (host.isBlank()) {
            throw InvalidValue.at("host", "is empty", "set 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)");
        }
        Check.between("port", port, 0, 65535);
        Check.between("threads", threads, 1, 1024);
        Check.between("max_entities", maxEntities, 1, 100_000);
        Check.between("max_body_bytes", maxBodyBytes, 1024, 64 << 20);
        if (retryAfter.getSeconds() < 1) {
            throw InvalidValue.at(
                    "retry_after", "is below 1 s", "set whole seconds such as \"2 s\" (HTTP counts seconds)");
        }
    }

    /**
     * {@code serving.cache}: rows kept in the server's memory after a read. A cached row is served for at most
     * {@code ttl} after it was read from Redis, so a reader sees a new window at most {@code ttl} late.
     */
    public record Cache(boolean enabled, int maxRows, Duration ttl) implements Serializable {

        public Cache {
            Check.between("max_rows", maxRows, 1, 100_000_000);
            if (enabled && ttl.isZero()) {
                throw InvalidValue.at("ttl", "is zero", "set e.g. \"1 s\", or cache.enabled: false");
            }
        }
    }
}
