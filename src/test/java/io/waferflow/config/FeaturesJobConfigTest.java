package io.waferflow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waferflow.TestConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeaturesJobConfigTest {

    @Test
    void shippedConfigurationLoadsWithTheSpecDefaults() {
        FeaturesJobConfig c = TestConfigs.features();
        assertThat(c.featureGroup()).isEqualTo("wafer_aggregates");
        assertThat(c.featureVersion()).isEqualTo("v1");
        assertThat(c.schema().parameterNames()).containsExactly("vdd", "idd", "frequency", "temperature");
        assertThat(c.schema().field("vdd").min()).isEqualTo(1.0);
        assertThat(c.schema().field("vdd").max()).isEqualTo(1.4);
        assertThat(c.schema().field("temperature").nullable()).isTrue();
        assertThat(c.window().type()).isEqualTo(WindowSpec.Type.TUMBLING);
        assertThat(c.window().size()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.perRecordWatermarks()).isFalse();
    }

    @Test
    void anyKeyCanBeOverriddenFromTheCommandLine() {
        FeaturesJobConfig c = TestConfigs.features(
                "feature_group.window.size=1 min",
                "redis.port=7000",
                "schema.fields.vpp.type=float",
                "schema.fields.vpp.parameter=true");
        assertThat(c.window().size()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.redisPort()).isEqualTo(7000);
        assertThat(c.schema().parameterNames()).containsExactly("vdd", "idd", "frequency", "temperature", "vpp");
    }

    @Test
    void missingKeyIsNamedWithTheFix() {
        assertThatThrownBy(() -> TestConfigs.features("kafka.input_topic="))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'kafka.input_topic'")
                .hasMessageContaining("is missing")
                .hasMessageContaining("--set kafka.input_topic=");
    }

    @Test
    void badValuesAreNamedWithTheFix() {
        assertThatThrownBy(() -> TestConfigs.features("feature_group.window.size=five minutes"))
                .hasMessageContaining("'feature_group.window.size'")
                .hasMessageContaining("not a duration");
        assertThatThrownBy(() -> TestConfigs.features("redis.port=99999"))
                .hasMessageContaining("'redis.port'")
                .hasMessageContaining("1..65535");
        assertThatThrownBy(() -> TestConfigs.features("feature_group.window.type=hopping"))
                .hasMessageContaining("use tumbling, sliding or session");
        assertThatThrownBy(() ->
                        TestConfigs.features("feature_group.window.type=sliding", "feature_group.window.slide=2 min"))
                .hasMessageContaining("does not divide");
        assertThatThrownBy(() -> TestConfigs.features("feature_group.wafer_quiet_timeout=10 s"))
                .hasMessageContaining("'feature_group.wafer_quiet_timeout'");
        assertThatThrownBy(() -> TestConfigs.features("quality.wafer.reject_flagged_rate=10"))
                .hasMessageContaining("'quality.wafer.reject_flagged_rate'")
                .hasMessageContaining("0.05 for 5 %");
        assertThatThrownBy(() -> TestConfigs.features("quality.event_time.earliest=yesterday"))
                .hasMessageContaining("'quality.event_time.earliest'");
        assertThatThrownBy(() -> TestConfigs.features("feature_group.version=v1/../x"))
                .hasMessageContaining("unsafe");
    }

    @Test
    void coreFieldsMustKeepTheirContract() {
        assertThatThrownBy(() -> TestConfigs.features("schema.fields.wafer_id.type=int"))
                .hasMessageContaining("'schema.fields.wafer_id.type'")
                .hasMessageContaining("set it to string");
        assertThatThrownBy(() -> TestConfigs.features("schema.fields.die_x.required=false"))
                .hasMessageContaining("must be required");
        assertThatThrownBy(() -> TestConfigs.features("schema.fields.vdd.min=2", "schema.fields.vdd.max=1"))
                .hasMessageContaining("swap min and max");
    }

    @Test
    void missingFileAndBrokenYamlFailFast() {
        assertThatThrownBy(() -> FeaturesJobConfig.load(Path.of("jobs/nope.yaml"), List.of()))
                .hasMessageContaining("'--config'")
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> FeaturesJobConfig.from(RawConfig.parse("kafka: [unclosed")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> TestConfigs.raw("no-equals-sign")).hasMessageContaining("key=value");
        assertThatThrownBy(() -> TestConfigs.raw("redis.tll=1 h"))
                .as("a typo must not be ignored")
                .hasMessageContaining("'redis.tll'")
                .hasMessageContaining("not a key");
    }

    @Test
    void secretsComeFromTheEnvironmentOrFilesAndNeverPrint(@TempDir Path tmp) throws Exception {
        Path redisPassword = tmp.resolve("redis_password");
        Files.writeString(redisPassword, "redis-pw-1f3a\n");
        Map<String, String> env = Map.of("WEBHOOK_TOKEN", "hook-token-9c2e", "KAFKA_PASSWORD", "kafka-pw-77b0");
        RawConfig raw = TestConfigs.raw(
                        "redis.user=waferflow",
                        "redis.password=${file:" + redisPassword + "}",
                        "alerts.sinks.webhook_url=https://hooks.example.com/waferflow",
                        "alerts.sinks.webhook_token=${env:WEBHOOK_TOKEN}",
                        "kafka.properties.security.protocol=SASL_PLAINTEXT",
                        "kafka.properties.sasl.mechanism=PLAIN",
                        "kafka.properties.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule "
                                + "required"
                                + " username=\"wf\" password=\"${env:KAFKA_PASSWORD}\";",
                        "kafka.properties.ssl.truststore.password=literal-pw-5d1c")
                .withEnvironment(env::get);
        FeaturesJobConfig c = FeaturesJobConfig.from(raw);

        assertThat(c.redisConnection().user()).isEqualTo("waferflow");
        assertThat(c.redisConnection().password().value()).isEqualTo("redis-pw-1f3a");
        assertThat(c.alerts().webhookToken().value()).isEqualTo("hook-token-9c2e");
        assertThat(c.alerts().webhookTokenHeader()).isEqualTo("Authorization");
        assertThat(c.kafkaClient().clientProperties())
                .containsEntry("bootstrap.servers", "localhost:9092")
                .containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry(
                        "sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required"
                                + " username=\"wf\" password=\"kafka-pw-77b0\";")
                .containsEntry("ssl.truststore.password", "literal-pw-5d1c");

        String printed = String.join(
                "\n",
                raw.toString(),
                c.redisConnection().toString(),
                c.kafkaClient().toString(),
                c.alerts().webhookToken().toString());
        assertThat(printed)
                .doesNotContain("redis-pw-1f3a", "hook-token-9c2e", "kafka-pw-77b0", "literal-pw-5d1c")
                .contains(
                        "redis.password: ${file:" + redisPassword + "}",
                        "alerts.sinks.webhook_token: ${env:WEBHOOK_TOKEN}",
                        "kafka.properties.ssl.truststore.password: ******",
                        "kafka.properties.security.protocol: SASL_PLAINTEXT",
                        "sasl.jaas.config=******",
                        "redis://waferflow@localhost:6379 (password ******)");
    }

    @Test
    void secretKeysAreFlinksSensitiveNamesAndKafkasPasswordTypes() {
        assertThat(List.of(
                        "redis.password",
                        "redis.tls_keystore_password",
                        "alerts.sinks.webhook_token",
                        "kafka.properties.sasl.jaas.config",
                        "kafka.properties.ssl.key.password",
                        "kafka.properties.ssl.keystore.key",
                        "kafka.properties.ssl.truststore.certificates"))
                .allMatch(SecretKeys::isSecret);
        assertThat(List.of(
                        "redis.user",
                        "redis.host",
                        "alerts.sinks.webhook_url",
                        "kafka.properties.sasl.mechanism",
                        "kafka.properties.ssl.keystore.location"))
                .noneMatch(SecretKeys::isSecret);
    }

    @Test
    void kafkaPassThroughRefusesKeysTheJobOwnsAndUnknownKeys() {
        assertThatThrownBy(() -> TestConfigs.features("kafka.properties.bootstrap.servers=other:9092"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'kafka.properties.bootstrap.servers'")
                .hasMessageContaining("kafka.bootstrap_servers");
        assertThatThrownBy(() -> TestConfigs.features("kafka.properties.transactional.id=x"))
                .hasMessageContaining("'kafka.properties.transactional.id'");
        assertThatThrownBy(() -> TestConfigs.features("kafka.properties.sasl.mechansim=PLAIN"))
                .hasMessageContaining("'kafka.properties.sasl.mechansim'")
                .hasMessageContaining("not a Kafka");
        assertThat(TestConfigs.features("kafka.properties.max.poll.records=100")
                        .kafkaClient()
                        .passThrough())
                .containsExactly(Map.entry("max.poll.records", "100"));
    }

    @Test
    void redisAuthenticationAndTlsSettingsAreChecked() {
        assertThatThrownBy(() -> TestConfigs.features("redis.user=waferflow"))
                .hasMessageContaining("'redis.password'")
                .hasMessageContaining("redis.user");
        assertThatThrownBy(() -> TestConfigs.features("redis.tls_ca_file=/etc/redis/ca.pem"))
                .hasMessageContaining("'redis.tls_ca_file'")
                .hasMessageContaining("redis.tls: true");
        assertThatThrownBy(() -> TestConfigs.features("redis.tls=true", "redis.tls_keystore_password=pw"))
                .hasMessageContaining("'redis.tls_keystore_password'")
                .hasMessageNotContaining("=pw");
        RedisConnection tls = TestConfigs.features("redis.tls=true", "redis.tls_ca_file=/etc/redis/ca.pem")
                .redisConnection();
        assertThat(tls.tls()).isTrue();
        assertThat(tls.tlsVerifyHostname()).isTrue();
        assertThat(tls.password().isEmpty()).isTrue();
        assertThat(tls.toString()).isEqualTo("rediss://localhost:6379");
        assertThatThrownBy(() -> TestConfigs.features("alerts.sinks.webhook_token_header=Bad Header"))
                .hasMessageContaining("'alerts.sinks.webhook_token_header'");
    }

    @Test
    void redisTopologiesAreCheckedAndCarriedToEveryClient() {
        RedisConnection cluster = TestConfigs.features(
                        "redis.mode=cluster", "redis.host=10.0.0.1", "redis.nodes=[\"10.0.0.2:7001\", 10.0.0.3:7002]")
                .redisConnection();
        assertThat(cluster.mode()).isEqualTo(RedisConnection.Mode.CLUSTER);
        assertThat(cluster.addresses()).containsExactly("10.0.0.1:6379", "10.0.0.2:7001", "10.0.0.3:7002");
        RedisConnection sentinel = TestConfigs.features(
                        "redis.mode=sentinel", "redis.port=26379", "redis.sentinel_master=mymaster")
                .redisConnection();
        assertThat(sentinel.sentinelMaster()).isEqualTo("mymaster");
        assertThat(sentinel.toString()).contains("master mymaster");

        assertThatThrownBy(() -> TestConfigs.features("redis.mode=sentinel"))
                .hasMessageContaining("'redis.sentinel_master'")
                .hasMessageContaining("is empty while redis.mode is sentinel");
        assertThatThrownBy(() -> TestConfigs.features("redis.nodes=[\"10.0.0.2:7001\"]"))
                .hasMessageContaining("'redis.nodes'")
                .hasMessageContaining("redis.mode is standalone");
        assertThatThrownBy(() -> TestConfigs.features("redis.mode=cluster", "redis.nodes=[redis-2]"))
                .hasMessageContaining("redis-2, which is not host:port");
        assertThatThrownBy(() -> TestConfigs.features("redis.mode=replicated")).hasMessageContaining("'redis.mode'");
    }

    @Test
    void derivedFeaturesKeepTheirDeclarationOrder() {
        FeaturesJobConfig shipped = TestConfigs.features();
        assertThat(shipped.derivedFeatures())
                .containsExactly(
                        Map.entry("vdd_cv", "vdd_std / vdd_mean"),
                        Map.entry("yield_vs_neighbors", "yield_pct - 100 * neighbor_yield_avg"),
                        Map.entry("vdd_z", "(vdd_mean - baseline.vdd.mean) / baseline.vdd.std"));
        assertThat(TestConfigs.features("feature_group.derived.a_first=vdd_cv * 100")
                        .derivedFeatures()
                        .keySet())
                .as("an override adds at the end, and may use the file's ones")
                .containsExactly("vdd_cv", "yield_vs_neighbors", "vdd_z", "a_first");
        assertThat(TestConfigs.features("feature_group.derived.vdd_cv=").derivedFeatures())
                .as("empty means not set, as for every map of the configuration")
                .doesNotContainKey("vdd_cv");
        assertThat(TestConfigs.features(
                                "feature_group.derived.vdd_z_p95=(vdd_p95 - baseline.vdd.p95) / baseline.vdd.std",
                                "feature_group.derived.temperature_n=baseline.temperature.count")
                        .derivedFeatures())
                .containsKeys("vdd_z_p95", "temperature_n");
    }

    @Test
    void aBadDerivedFeatureIsNamedWithWhatIsWrong() {
        assertThatThrownBy(() -> TestConfigs.features("feature_group.derived.x=vdd_mena * 2"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'feature_group.derived.x'")
                .hasMessageContaining("uses 'vdd_mena', which is no stored feature")
                .hasMessageContaining("did you mean 'vdd_mean'?");
        assertThatThrownBy(() -> TestConfigs.features("feature_group.derived.yield_pct=100 - yield_pct"))
                .hasMessageContaining("'feature_group.derived.yield_pct'")
                .hasMessageContaining("is the name of a stored feature column");
        assertThatThrownBy(() -> TestConfigs.features("feature_group.derived.x=(vdd_mean - vdd_std"))
                .hasMessageContaining("'feature_group.derived.x'")
                .hasMessageContaining("'(vdd_mean - vdd_std' does not parse");
        assertThatThrownBy(() -> TestConfigs.features("feature_group.derived.x=2 vdd_mean"))
                .as("no implicit multiplication")
                .hasMessageContaining("does not parse");
        assertThatThrownBy(() -> TestConfigs.features("feature_group.derived.x=vdd_mean vdd_std"))
                .hasMessageContaining("does not parse");
        assertThatThrownBy(() -> TestConfigs.features("feature_group.derived.x=evil(vdd_mean)"))
                .as("only the language's functions")
                .hasMessageContaining("does not parse");
        assertThatThrownBy(() -> TestConfigs.features("feature_group.derived.x=vdd_mean - baseline.vpp.mean"))
                .hasMessageContaining("'feature_group.derived.x'")
                .hasMessageContaining("'vpp' is not a parametric test")
                .hasMessageContaining("vdd, idd, frequency, temperature");
        assertThatThrownBy(() -> TestConfigs.features("feature_group.derived.x=vdd_mean - baseline.vd.mean"))
                .hasMessageContaining("did you mean 'baseline.vdd.mean'?");
        assertThatThrownBy(() -> TestConfigs.features("feature_group.derived.x=vdd_mean - baseline.vdd.median"))
                .hasMessageContaining("a baseline has no statistic 'median'")
                .hasMessageContaining("did you mean 'baseline.vdd.mean'?");
        assertThatThrownBy(() -> TestConfigs.features("feature_group.derived.x=baseline.yield_pct.mean"))
                .as("only parametric tests have a baseline")
                .hasMessageContaining("'yield_pct' is not a parametric test");
        assertThatThrownBy(() -> TestConfigs.features("feature_group.derived.VddCv=vdd_std / vdd_mean"))
                .hasMessageContaining("'feature_group.derived.VddCv'")
                .hasMessageContaining("not a snake_case name");
        assertThatThrownBy(
                        () -> TestConfigs.features("feature_group.derived.a=b * 2", "feature_group.derived.b=vdd_mean"))
                .hasMessageContaining("'feature_group.derived.a'")
                .hasMessageContaining("uses the derived feature 'b', which is not declared before it")
                .hasMessageContaining("declare 'b' above it");
        assertThatThrownBy(() -> TestConfigs.features("feature_group.derived.a=a + 1"))
                .as("itself")
                .hasMessageContaining("uses the derived feature 'a'");
    }
}
