package io.waferflow.stores.online;

import io.waferflow.config.RedisConnection;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS side of a Redis connection, from the JDK alone: trust in the CA certificate(s) of a PEM file (or the JVM's
 * trust store), the client certificate of a PKCS #12 file, and host-name verification. Jedis 3 checks no host name by
 * itself, so it is switched on here through the socket's endpoint identification.
 */
final class RedisTls {

    private RedisTls() {}

    static SSLSocketFactory socketFactory(RedisConnection c) {
        try {
            TrustManagerFactory trust = null;
            if (!c.tlsCaFile().isEmpty()) {
                KeyStore cas = KeyStore.getInstance(KeyStore.getDefaultType());
                cas.load(null, null);
                int i = 0;
                for (Certificate ca : certificates(Path.of(c.tlsCaFile()))) {
                    cas.setCertificateEntry("ca-" + i++, ca);
                }
                if (i == 0) {
                    throw new IllegalArgumentException(
                            "redis.tls_ca_file " + c.tlsCaFile() + " holds no PEM certificate");
                }
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(cas);
            }
            KeyManagerFactory keys = null;
            if (!c.tlsKeystoreFile().isEmpty()) {
                KeyStore client = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(Path.of(c.tlsKeystoreFile()))) {
                    client.load(in, c.tlsKeystorePassword().chars());
                }
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(client, c.tlsKeystorePassword().chars());
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(
                    keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            // The JDK's messages name files and algorithms ("keystore password was incorrect"), never a password.
            throw new IllegalStateException(
                    "cannot set up TLS for Redis " + c + " (redis.tls_ca_file " + c.tlsCaFile()
                            + ", redis.tls_keystore_file " + c.tlsKeystoreFile() + "): " + e,
                    e);
        }
    }

    /** Host-name verification as HTTPS does it (subject alternative names), unless switched off. */
    static SSLParameters parameters(RedisConnection c) {
        SSLParameters p = new SSLParameters();
        if (c.tlsVerifyHostname()) {
            p.setEndpointIdentificationAlgorithm("HTTPS");
        }
        return p;
    }

    private static Collection<? extends Certificate> certificates(Path pem)
            throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
    }
}
