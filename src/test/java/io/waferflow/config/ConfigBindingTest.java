package io.waferflow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waferflow.TestConfigs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Binding the YAML tree into records: unknown keys, defaults, the value formats job files use, serialization. */
class ConfigBindingTest {

    private static String shippedYaml() throws Exception {
        return Files.readString(TestConfigs.FEATURES_YAML);
    }

    @Test
    void anUnknownKeyOnTheCommandLineNamesTheNearestKnownKey() {
        assertThatThrownBy(() -> TestConfigs.raw("drift.alpah=0.1"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'drift.alpah'")
                .hasMessageContaining("not a key")
                .hasMessageContaining("did you mean 'drift.alpha'?");
        assertThatThrownBy(() -> TestConfigs.raw("drfit.alpha=0.1"))
                .as("a misspelt section, the rest kept")
                .hasMessageContaining("did you mean 'drift.alpha'?");
        assertThatThrownBy(() -> TestConfigs.raw("schema.fields.vdd.mni=1"))
                .as("below a named field")
                .hasMessageContaining("did you mean 'schema.fields.vdd.min'?");
        assertThatThrownBy(() -> TestConfigs.raw("alerts.policy.dirft.fire_n=2"))
                .hasMessageContaining("did you mean 'alerts.policy.drift.fire_n'?");
        assertThatThrownBy(() -> TestConfigs.raw("redis.nonsense=1"))
                .as("nothing near: the keys there")
                .hasMessageContaining("'redis.nonsense'")
                .hasMessageContaining("keys under 'redis': host, port,");
        assertThatThrownBy(() -> TestConfigs.raw("redis.port.number=1"))
                .hasMessageContaining("'redis.port.number'")
                .hasMessageContaining("holds a value");
        assertThatThrownBy(() -> TestConfigs.features("kafka.properties.sasl.mechansim=PLAIN"))
                .hasMessageContaining("did you mean 'kafka.properties.sasl.mechanism'?");
    }

    @Test
    void anUnknownKeyInTheFileNamesTheNearestKnownKeyAtAnyLevel() throws Exception {
        String yaml = shippedYaml();
        assertThatThrownBy(() -> RawConfig.parse(yaml.replace("  alpha: 0.05", "  alpah: 0.05")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'drift.alpah'")
                .hasMessageContaining("did you mean 'drift.alpha'?");
        assertThatThrownBy(() -> RawConfig.parse(yaml.replace("parallelism: 2", "paralelism: 2")))
                .hasMessageContaining("'paralelism'")
                .hasMessageContaining("did you mean 'parallelism'?");
        assertThatThrownBy(() -> RawConfig.parse(yaml.replace("unit: mA", "unti: mA")))
                .hasMessageContaining("'schema.fields.idd.unti'")
                .hasMessageContaining("did you mean 'schema.fields.idd.unit'?");
        assertThatThrownBy(() -> RawConfig.parse(yaml.replace("      escalate_after: 6 h", "      escalate_afer: 6 h")))
                .hasMessageContaining("did you mean 'alerts.policy.drift.escalate_after'?");
    }

    @Test
    void keysTheFileLeavesOutHaveTheirDefaultsAndCanStillBeSet() throws Exception {
        String older = shippedYaml()
                .replace("  max_string_chars: 256\n", "")
                .replace("    emit: periodic\n", "")
                .replace("  tls_verify_hostname: true\n", "")
                .replace("  raw_archive: true\n", "")
                .replace("  sink_epoch: \"\"\n", "");
        FeaturesJobConfig c = FeaturesJobConfig.from(RawConfig.parse(older));
        assertThat(c.quality().maxStringChars()).isEqualTo(256);
        assertThat(c.perRecordWatermarks()).isFalse();
        assertThat(c.redisConnection().tlsVerifyHostname()).isTrue();
        assertThat(c.rawArchive()).isTrue();
        assertThat(c.kafkaSinkEpoch()).isEmpty();
        assertThat(FeaturesJobConfig.from(RawConfig.parse(older).with("quality.max_string_chars", "100"))
                        .quality()
                        .maxStringChars())
                .isEqualTo(100);
        assertThat(RawConfig.parse(older).toString())
                .as("the printed configuration is what was written")
                .doesNotContain("max_string_chars", "raw_archive");
        assertThatThrownBy(() ->
                        FeaturesJobConfig.from(RawConfig.parse(shippedYaml().replace("  sketch_k: 1536\n", ""))))
                .as("a key without a default is required")
                .hasMessageContaining("'drift.sketch_k'")
                .hasMessageContaining("is missing in <inline>")
                .hasMessageContaining("--set drift.sketch_k=");
    }

    @Test
    void valueFormatsJobFilesUseStayAccepted() throws Exception {
        FeaturesJobConfig c = TestConfigs.features(
                "checkpointing.interval=30s",
                "drift.window=90 min",
                "redis.ttl=7 d",
                "feature_group.watermark.idleness=500",
                "drift.enabled=yes",
                "offline.raw_archive=No",
                "schema.fields.tester_id.allowed=T1, T2",
                "alerts.sinks.webhook_format=SLACK");
        assertThat(c.checkpointInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.drift().window()).isEqualTo(Duration.ofMinutes(90));
        assertThat(c.redisTtl()).isEqualTo(Duration.ofDays(7));
        assertThat(c.idleness()).as("a bare number is milliseconds").isEqualTo(Duration.ofMillis(500));
        assertThat(c.drift().enabled()).isTrue();
        assertThat(c.rawArchive()).isFalse();
        assertThat(c.schema().field("tester_id").allowed()).containsExactly("T1", "T2");
        assertThat(c.alerts().webhookFormat()).isEqualTo(AlertsConfig.WebhookFormat.SLACK);
        assertThat(TestConfigs.features("schema.fields.tester_id.allowed=[T1, T2]")
                        .schema()
                        .field("tester_id")
                        .allowed())
                .as("a list in YAML flow syntax")
                .containsExactly("T1", "T2");

        String yaml = shippedYaml();
        FeaturesJobConfig fromFile = FeaturesJobConfig.from(
                RawConfig.parse(yaml.replace("earliest: 2000-01-01T00:00:00Z", "earliest: 2001-12-14 21:59:43.10 -5")
                        .replace("  enabled: true\n  window: 1 h", "  enabled: yes\n  window: 1 h")
                        .replace(
                                "  properties: {}",
                                "  properties:\n    security: {protocol: SASL_SSL}\n    max.poll.records: 100")));
        assertThat(fromFile.quality().earliestEventTime())
                .as("YAML timestamps, as SnakeYAML read them")
                .isEqualTo(Instant.parse("2001-12-15T02:59:43.100Z").toEpochMilli());
        assertThat(fromFile.drift().enabled()).isTrue();
        assertThat(fromFile.kafkaClient().passThrough())
                .as("nested keys are dotted, numbers are text")
                .containsExactly(Map.entry("max.poll.records", "100"), Map.entry("security.protocol", "SASL_SSL"));
        assertThat(TestConfigs.features("quality.event_time.earliest=2000-01-01")
                        .quality()
                        .earliestEventTime())
                .isEqualTo(Instant.parse("2000-01-01T00:00:00Z").toEpochMilli());
        assertThatThrownBy(() -> TestConfigs.features("quality.event_time.earliest=2000-13-01"))
                .as("no lenient calendar")
                .hasMessageContaining("'quality.event_time.earliest'");
    }

    @Test
    void overrideValuesAreTakenAsWrittenUnlessQuoted() {
        FeaturesJobConfig c = TestConfigs.features(
                "redis.password=0777",
                "alerts.sinks.webhook_token=#x: y",
                "kafka.group_id='quoted group'",
                "job.version=1.10");
        assertThat(c.redisConnection().password().value())
                .as("not an octal number")
                .isEqualTo("0777");
        assertThat(c.alerts().webhookToken().value())
                .as("not a comment, not a section")
                .isEqualTo("#x: y");
        assertThat(c.groupId()).isEqualTo("quoted group");
        assertThat(c.jobVersion()).isEqualTo("1.10");
        assertThatThrownBy(() -> TestConfigs.features("drift.sketch_k=2.5"))
                .hasMessageContaining("'drift.sketch_k'")
                .hasMessageContaining("'2.5' is not a whole number");
        assertThatThrownBy(() -> TestConfigs.features("drift.enabled=maybe"))
                .hasMessageContaining("'drift.enabled'")
                .hasMessageContaining("is not true or false");
        assertThatThrownBy(() -> TestConfigs.features("alerts.sinks.webhook_min_severity=P9"))
                .hasMessageContaining("use P0, P1, P2 or P3");
    }

    @Test
    void aYamlAliasIsRefusedRatherThanMisread() throws Exception {
        assertThatThrownBy(() -> RawConfig.parse(shippedYaml()
                        .replace("  window: 1 h", "  window: &w 1 h")
                        .replace("    period: 1 h", "    period: *w")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("alias");
    }

    @Test
    void theConfigurationSurvivesJavaSerializationAsOperatorsCarryIt() throws Exception {
        FeaturesJobConfig c = TestConfigs.features(
                "redis.user=waferflow",
                "redis.password=pw",
                "kafka.starting_offsets=2026-11-27T00:00:00Z",
                "kafka.properties.max.poll.records=10");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(c);
        }
        FeaturesJobConfig copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (FeaturesJobConfig) in.readObject();
        }
        assertThat(copy.toString()).isEqualTo(c.toString()).doesNotContain("=pw");
        assertThat(copy.redisConnection().password().value()).isEqualTo("pw");
        assertThat(copy.startingTimestamp())
                .isEqualTo(Instant.parse("2026-11-27T00:00:00Z").toEpochMilli());
        assertThat(copy.alerts().driftPolicy().windowMs)
                .isEqualTo(Duration.ofHours(1).toMillis());
        assertThat(copy.kafkaClient().passThrough()).containsExactly(Map.entry("max.poll.records", "10"));
        assertThat(copy.schema().parameterNames()).isEqualTo(List.of("vdd", "idd", "frequency", "temperature"));
    }

    @Test
    void derivedFeaturesBindInTheFilesOrderAndAMisspeltSectionIsNamed() throws Exception {
        String yaml = shippedYaml()
                .replace(
                        "    vdd_cv: vdd_std / vdd_mean\n",
                        "    z_last_alphabetically: idd_mean * 1000\n    vdd_cv: vdd_std / vdd_mean\n");
        FeaturesJobConfig c = FeaturesJobConfig.from(RawConfig.parse(yaml));
        assertThat(c.derivedFeatures().keySet())
                .containsExactly("z_last_alphabetically", "vdd_cv", "yield_vs_neighbors", "vdd_z");
        assertThatThrownBy(() -> RawConfig.parse(shippedYaml().replace("  derived:\n", "  derivd:\n")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'feature_group.derivd'")
                .hasMessageContaining("did you mean 'feature_group.derived'?");
        assertThatThrownBy(() -> TestConfigs.raw("feature_group.derive.vdd_cv=vdd_std / vdd_mean"))
                .hasMessageContaining("did you mean 'feature_group.derived.vdd_cv'?");
        assertThatThrownBy(() -> RawConfig.parse(shippedYaml()
                        .replace(
                                "    vdd_cv: vdd_std / vdd_mean\n", "    vdd_cv: vdd_std / vdd_mean\n    vdd_cv: 1\n")))
                .as("two derived features of one name")
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("has the key 'vdd_cv' twice in one section (line ")
                .hasMessageContaining("keep one of them");
        String older = shippedYaml().replaceAll("(?s)  # Derived features:.*?baseline\\.vdd\\.std\n", "");
        assertThat(older).doesNotContain("derived");
        assertThat(FeaturesJobConfig.from(RawConfig.parse(older)).derivedFeatures())
                .as("a file without the section (release 0.1.0's) has none")
                .isEmpty();
    }

    @Test
    void derivedFeaturesSurviveJavaSerializationInTheirOrder() throws Exception {
        FeaturesJobConfig c = TestConfigs.features("feature_group.derived.a_added=vdd_cv * 2");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(c);
        }
        FeaturesJobConfig copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (FeaturesJobConfig) in.readObject();
        }
        assertThat(copy.derivedFeatures()).containsExactlyEntriesOf(c.derivedFeatures());
        assertThat(copy.derivedFeatures().keySet()).endsWith("a_added");
    }

    @Test
    void derivedFeaturesAsPrintedAtStartAreTheOverridesThatGiveThemBack() throws Exception {
        RawConfig shipped = TestConfigs.raw();
        List<String> printed = shipped.toString()
                .lines()
                .map(String::trim)
                .filter(l -> l.startsWith("feature_group.derived."))
                .map(l -> l.replaceFirst(": ", "="))
                .toList();
        assertThat(printed).hasSize(3);
        String without = shippedYaml().replaceAll("(?s)  # Derived features:.*?baseline\\.vdd\\.std\n", "");
        FeaturesJobConfig again =
                FeaturesJobConfig.from(RawConfig.parse(without).withOverrides(printed));
        assertThat(again.derivedFeatures())
                .containsExactlyEntriesOf(FeaturesJobConfig.from(shipped).derivedFeatures());
    }
}
