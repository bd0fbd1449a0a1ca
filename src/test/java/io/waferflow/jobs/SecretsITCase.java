package io.waferflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.waferflow.alerts.sinks.WebhookReceiver;
import io.waferflow.cli.FeaturesCommand;
import io.waferflow.cli.VersionCommand;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.RawConfig;
import io.waferflow.config.RedisConnection;
import io.waferflow.config.Secret;
import io.waferflow.ingest.KafkaInput;
import io.waferflow.local.WaferTrafficGenerator;
import io.waferflow.local.services.EmbeddedKafka;
import io.waferflow.local.services.LocalRedis;
import io.waferflow.stores.online.RedisClients;
import io.waferflow.stores.online.RedisStore;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.FlinkRestAnswers;
import io.waferflow.testing.LocalServices;
import io.waferflow.testing.LogCapture;
import io.waferflow.testing.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterRESTAddress;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.ScanParams;
import redis.clients.jedis.ScanResult;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Secrets end to end. The production {@code features} graph runs on a MiniCluster with its REST endpoint, reads Kafka
 * through a SASL/PLAIN listener, writes a redis-server that requires passwords, and posts alerts to a webhook that
 * answers 401 without its token; every secret reaches the job as {@code ${file:PATH}} or {@code ${env:NAME}}. Two runs:
 * Redis's default user ({@code requirepass}) on a plain port; an ACL user over TLS with a client certificate whose key
 * store has a password of its own.
 *
 * <p>Each run must use every secret: the job read its input through SASL (the topic is unreachable without it), Redis
 * holds a feature row for every wafer of the input (the server refuses clients without the password, or without TLS),
 * the webhook got the token on every request, and the CLI's Redis clients (served-version claim, {@code version show})
 * authenticated too. And no secret may appear in anything the test can capture: every log event of every logger while
 * the run lasts (DEBUG for WaferFlow, Jedis, the Redis and Kafka connectors and Kafka's clients; INFO for the rest),
 * everything printed to stdout and stderr, the printed configuration, and the answers of Flink's REST API (which is all
 * the web UI shows) about the cluster, every TaskManager and the job, taken while it runs and after it finished: among
 * them {@code /jobs/<id>/config} (the execution config with the global job parameters), {@code /jobs/<id>},
 * {@code /jobmanager/config}, {@code /taskmanagers/<id>}.
 */
@Timeout(300)
class SecretsITCase {

    private static final Logger LOG = LoggerFactory.getLogger(SecretsITCase.class);

    private static final String KAFKA_USER = "waferflow-job";
    private static final String KAFKA_PASSWORD = secret("kafka");
    private static final String REDIS_REQUIREPASS = secret("requirepass");
    private static final String REDIS_ACL_USER = "waferflow";
    private static final String REDIS_ACL_PASSWORD = secret("acl");
    private static final String KEYSTORE_PASSWORD = secret("keystore");
    private static final String WEBHOOK_TOKEN = secret("webhook");
    private static final List<String> SECRETS =
            List.of(KAFKA_PASSWORD, REDIS_REQUIREPASS, REDIS_ACL_PASSWORD, KEYSTORE_PASSWORD, WEBHOOK_TOKEN);

    private static final String INPUT = "secrets-in";
    private static final String VIOLATIONS = "secrets-violations";
    private static final int RECORDS = 2_000;

    @RegisterExtension
    static final LocalServices SERVICES =
            new LocalServices(() -> EmbeddedKafka.startWithSaslUser(KAFKA_USER, KAFKA_PASSWORD)).withMiniCluster();

    /** Wafer ids of the input, read from the payloads (every wafer's windows are final at the end of the input). */
    private static final Set<String> WAFERS = new TreeSet<>();

    @TempDir
    Path tmp;

    /** A random value, recognisable in a failure message by its name. */
    private static String secret(String what) {
        byte[] bytes = new byte[12];
        new SecureRandom().nextBytes(bytes);
        return what + "-" + HexFormat.of().formatHex(bytes);
    }

    @BeforeAll
    static void input() throws Exception {
        WaferTrafficGenerator.Settings settings = new WaferTrafficGenerator.Settings();
        settings.testers = 4;
        settings.waferDiameter = 20;
        // Tester 1's first wafer in millivolts: every die out of range, the wafer rejected (a P1 alert for people).
        settings.unitErrorWafer = 0;
        List<byte[]> payloads = new WaferTrafficGenerator(settings).take(RECORDS);
        ObjectMapper json = new ObjectMapper();
        for (byte[] p : payloads) {
            WAFERS.add(json.readTree(p).path("wafer_id").asText());
        }
        SERVICES.createTopics("secrets", 2);
        // Written through the broker's plain listener; the job gets only the SASL one.
        SERVICES.produce(INPUT, payloads);
    }

    @Test
    void defaultUserPasswordFromAFile(@InjectClusterRESTAddress URI rest) throws Exception {
        LocalRedis.Security security = new LocalRedis.Security(
                Secret.of(REDIS_REQUIREPASS), REDIS_ACL_USER, Secret.of(REDIS_ACL_PASSWORD), null, null, null);
        Path redisPassword = write("redis_password", REDIS_REQUIREPASS + "\n");
        try (LocalRedis redis = LocalRedis.start(
                security, RedisConnection.plain("127.0.0.1", 0).withCredentials("", Secret.of(REDIS_REQUIREPASS)))) {
            Run run = run(rest, redis, "secrets-file", "redis.password=${file:" + redisPassword + "}");

            assertThatThrownBy(() -> {
                        try (Jedis anonymous = RedisClients.jedis(RedisConnection.plain(redis.host(), redis.port()))) {
                            anonymous.ping();
                        }
                    })
                    .as("the server refuses clients without the password")
                    .hasMessageContaining("NOAUTH");
            // The CLI's own client, configured like an operator would: from the job file with a file reference.
            ByteArrayOutputStream shown = new ByteArrayOutputStream();
            int code = new VersionCommand(new PrintStream(shown, true, StandardCharsets.UTF_8)).run(new String[] {
                "show",
                "--set",
                "redis.host=" + redis.host(),
                "--set",
                "redis.port=" + redis.port(),
                "--set",
                "redis.key_prefix=secrets-file",
                "--set",
                "redis.password=${file:" + redisPassword + "}"
            });
            assertThat(code).isZero();
            assertThat(shown.toString(StandardCharsets.UTF_8))
                    .as("the served version the job's start claimed")
                    .startsWith("wafer_aggregates: current v1");
            run.assertNoSecretAnywhere();

            String wrong = secret("wrong");
            assertThatThrownBy(() -> RedisStore.connect(redis.connection().withCredentials("", Secret.of(wrong))))
                    .as("a refused password fails the online store's writer, naming the server, not the password")
                    .hasMessageContaining("cannot reach Redis redis://127.0.0.1:" + redis.port() + " (password ******)")
                    .hasMessageContaining("WRONGPASS")
                    .hasMessageNotContaining(wrong)
                    .hasMessageNotContaining(REDIS_REQUIREPASS);
        }
    }

    @Test
    void aclUserOverTlsWithAClientCertificate(@InjectClusterRESTAddress URI rest) throws Exception {
        Assumptions.assumeTrue(TestCertificates.opensslAvailable(), "openssl makes the test certificates");
        TestCertificates certificates = TestCertificates.create(tmp.resolve("tls"), KEYSTORE_PASSWORD);
        LocalRedis.Security security = new LocalRedis.Security(
                Secret.of(REDIS_REQUIREPASS),
                REDIS_ACL_USER,
                Secret.of(REDIS_ACL_PASSWORD),
                certificates.serverCertificate(),
                certificates.serverKey(),
                certificates.caCertificate());
        RedisConnection client = RedisConnection.plain("127.0.0.1", 0)
                .withCredentials(REDIS_ACL_USER, Secret.of(REDIS_ACL_PASSWORD))
                .withTls(
                        certificates.caCertificate().toString(),
                        certificates.clientKeystore().toString(),
                        Secret.of(KEYSTORE_PASSWORD),
                        true);
        Path keystorePassword = write("keystore_password", KEYSTORE_PASSWORD);
        try (LocalRedis redis = LocalRedis.start(security, client)) {
            run(
                            rest,
                            redis,
                            "secrets-tls",
                            "redis.user=" + REDIS_ACL_USER,
                            "redis.password=${env:WAFERFLOW_REDIS_PASSWORD}",
                            "redis.tls=true",
                            "redis.tls_ca_file=" + certificates.caCertificate(),
                            "redis.tls_keystore_file=" + certificates.clientKeystore(),
                            "redis.tls_keystore_password=${file:" + keystorePassword + "}")
                    .assertNoSecretAnywhere();

            assertThatThrownBy(() -> {
                        try (Jedis plain = RedisClients.jedis(RedisConnection.plain(redis.host(), redis.port())
                                .withCredentials(REDIS_ACL_USER, Secret.of(REDIS_ACL_PASSWORD)))) {
                            plain.ping();
                        }
                    })
                    .as("the server speaks TLS only")
                    .isInstanceOf(JedisException.class);
            assertThatThrownBy(() -> {
                        try (Jedis defaultUser = RedisClients.jedis(
                                redis.connection().withCredentials("", Secret.of(REDIS_ACL_PASSWORD)))) {
                            defaultUser.ping();
                        }
                    })
                    .as("the ACL user's password is not the default user's")
                    .hasMessageContaining("WRONGPASS");
            // The certificate names 127.0.0.1 only; "localhost" is the same server under a name it does not carry.
            assertThatThrownBy(() -> ping(redis.connection().at("localhost", redis.port())))
                    .as("the host name is verified")
                    .isInstanceOf(JedisException.class);
            assertThat(ping(redis.connection()
                            .at("localhost", redis.port())
                            .withTls(
                                    certificates.caCertificate().toString(),
                                    certificates.clientKeystore().toString(),
                                    Secret.of(KEYSTORE_PASSWORD),
                                    false)))
                    .as("unless switched off")
                    .isEqualTo("PONG");
            assertThatThrownBy(() -> ping(redis.connection()
                            .withTls("", certificates.clientKeystore().toString(), Secret.of(KEYSTORE_PASSWORD), true)))
                    .as("the server's certificate must chain to the configured CA, not just any")
                    .isInstanceOf(JedisException.class);
        }
    }

    /**
     * Runs the production graph (bounded input) with every secret as a reference, collecting the REST answers while it
     * runs and after it finished, and checks that each secret was used.
     */
    private Run run(URI rest, LocalRedis redis, String name, String... redisSettings) throws Exception {
        Path kafkaPassword = write("kafka_password", KAFKA_PASSWORD);
        Map<String, String> environment =
                Map.of("WAFERFLOW_REDIS_PASSWORD", REDIS_ACL_PASSWORD, "WAFERFLOW_WEBHOOK_TOKEN", WEBHOOK_TOKEN);
        List<String> overrides = new ArrayList<>(List.of(redisSettings));
        overrides.addAll(List.of(
                "kafka.bootstrap_servers=" + SERVICES.kafka().saslBootstrapServers(),
                "kafka.properties.security.protocol=SASL_PLAINTEXT",
                "kafka.properties.sasl.mechanism=PLAIN",
                "kafka.properties.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required"
                        + " username=\"" + KAFKA_USER + "\" password=\"${file:" + kafkaPassword + "}\";",
                "alerts.sinks.webhook_token=${env:WAFERFLOW_WEBHOOK_TOKEN}",
                "alerts.sinks.webhook_attempts=1"));

        Run run = new Run();
        try (WebhookReceiver webhook =
                        new WebhookReceiver(r -> ("Bearer " + WEBHOOK_TOKEN).equals(r.header("Authorization"))
                                ? WebhookReceiver.Response.status(204)
                                : WebhookReceiver.Response.status(401, "token required"));
                LogCapture capture = LogCapture.start(
                        Level.INFO,
                        Map.of(
                                "io.waferflow",
                                Level.DEBUG,
                                "redis.clients",
                                Level.DEBUG,
                                "org.apache.flink.streaming.connectors.redis",
                                Level.DEBUG,
                                "org.apache.flink.connector.kafka",
                                Level.DEBUG,
                                "org.apache.kafka.clients",
                                Level.DEBUG,
                                "org.apache.kafka.common.security",
                                Level.DEBUG))) {
            overrides.add("alerts.sinks.webhook_url=" + webhook.url());
            RawConfig raw = FeaturesJobRun.rawConfig(
                            SERVICES.kafka(),
                            redis,
                            tmp.resolve(name),
                            INPUT,
                            VIOLATIONS,
                            name,
                            overrides.toArray(new String[0]))
                    .withEnvironment(environment::get);
            // The printed configuration: what `waferflow features` logs at start, and the parsed settings' views.
            LOG.info("Configuration {}", raw);
            FeaturesJobConfig config = FeaturesJobConfig.from(raw);
            System.out.println("Kafka " + config.kafkaClient() + ", Redis " + config.redisConnection()
                    + ", webhook token " + config.alerts().webhookToken());

            FeaturesCommand.claimServingVersion(config);
            Configuration flink = FeaturesJobRun.flinkConfiguration(config);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
            env.setParallelism(2);
            new FeaturesJob(config, KafkaInput.boundedToLatest(config), FeaturesJobSinks.production(config)).build(env);
            JobClient job = env.executeAsync(name);
            FlinkRestAnswers answers = new FlinkRestAnswers(rest);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (job.getJobStatus().get() != JobStatus.RUNNING
                    && !job.getJobStatus().get().isGloballyTerminalState()
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            run.statusAtFirstLook = job.getJobStatus().get();
            answers.collect(job.getJobID());
            run.restWhileRunning = new HashMap<>(answers.answers());
            job.getJobExecutionResult().get(240, TimeUnit.SECONDS);
            answers.collect(job.getJobID());
            run.rest = answers.answers();
            run.events = capture.events();
            run.printed = capture.printed();

            assertThat(run.rest.get("/jobs/" + job.getJobID() + "/config").body())
                    .contains(name);
            assertThat(run.rest.get("/jobs/" + job.getJobID()).body()).contains("FINISHED");
            assertThat(webhook.requests())
                    .as("alerts reached the webhook")
                    .isNotEmpty()
                    .allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer " + WEBHOOK_TOKEN));
        }
        try (Jedis jedis = RedisClients.jedis(redis.connection())) {
            assertThat(waferKeys(jedis, name + ":wafer_aggregates:v1:"))
                    .as("a feature row per wafer in Redis")
                    .isEqualTo(WAFERS);
        }
        assertThat(run.events)
                .as("the job's Kafka clients were configured, their password hidden by Kafka")
                .anyMatch(e -> e.contains("sasl.jaas.config = [hidden]"));
        assertThat(run.events)
                .as("the readers were counted through the SASL listener too")
                .noneMatch(e -> e.contains("Could not describe input topic"));
        System.out.printf(
                "SecretsITCase %s: %d log events, %d printed characters, %d REST answers (job %s) + %d"
                        + " (job finished) searched%n",
                name,
                run.events.size(),
                run.printed.length(),
                run.restWhileRunning.size(),
                run.statusAtFirstLook,
                run.rest.size());
        return run;
    }

    private static String ping(RedisConnection connection) {
        try (Jedis jedis = RedisClients.jedis(connection)) {
            return jedis.ping();
        }
    }

    private static Set<String> waferKeys(Jedis jedis, String prefix) {
        Set<String> wafers = new TreeSet<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page =
                    jedis.scan(cursor, new ScanParams().match(prefix + "*").count(1000));
            page.getResult().forEach(k -> wafers.add(k.substring(prefix.length())));
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return wafers;
    }

    private Path write(String file, String content) throws Exception {
        Path p = tmp.resolve(file);
        Files.writeString(p, content);
        return p;
    }

    /** What one run let the test capture. */
    private static final class Run {
        JobStatus statusAtFirstLook;
        List<String> events;
        String printed;
        Map<String, FlinkRestAnswers.Answer> restWhileRunning;
        Map<String, FlinkRestAnswers.Answer> rest;

        void assertNoSecretAnywhere() {
            for (String secret : SECRETS) {
                assertThat(events).as("log events").noneMatch(e -> e.contains(secret));
                assertThat(printed).as("stdout and stderr").doesNotContain(secret);
                for (Map<String, FlinkRestAnswers.Answer> answers : List.of(restWhileRunning, rest)) {
                    answers.forEach((path, answer) ->
                            assertThat(answer.body()).as("REST " + path).doesNotContain(secret));
                }
            }
            // Every path exists in Flink 1.20, so nothing searched was an error page instead of the real answer.
            rest.forEach((path, answer) ->
                    assertThat(answer.status()).as("REST " + path).isEqualTo(200));
            assertThat(rest.keySet())
                    .as("the job's execution config and a TaskManager's details were read")
                    .anyMatch(p -> p.matches("/jobs/[0-9a-f]+/config"))
                    .anyMatch(p -> p.matches("/taskmanagers/[^/]+"));
        }
    }
}
