package io.waferflow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigReferencesTest {

    private static final Function<String, String> ENV = Map.of("REDIS_PASSWORD", "s3cr3t-from-env", "EMPTY", "")::get;

    @TempDir
    Path tmp;

    @Test
    void environmentAndFileReferencesResolveWholeOrInsideAValue() throws Exception {
        Path file = tmp.resolve("kafka_password");
        Files.writeString(file, "s3cr3t-from-file\n");
        assertThat(ConfigReferences.resolve("redis.password", "${env:REDIS_PASSWORD}", ENV))
                .isEqualTo("s3cr3t-from-env");
        assertThat(ConfigReferences.resolve("k", "${file:" + file + "}", ENV))
                .as("one trailing line break removed")
                .isEqualTo("s3cr3t-from-file");
        assertThat(ConfigReferences.resolve(
                        "kafka.properties.sasl.jaas.config",
                        "PlainLoginModule required username=\"wf\" password=\"${file:" + file + "}\";",
                        ENV))
                .isEqualTo("PlainLoginModule required username=\"wf\" password=\"s3cr3t-from-file\";");
        assertThat(ConfigReferences.resolve("k", "a${env:EMPTY}b", ENV)).isEqualTo("ab");
        assertThat(ConfigReferences.resolve("k", "cost $5 {ok}", ENV)).isEqualTo("cost $5 {ok}");
        assertThat(ConfigReferences.resolve("k", "$${env:REDIS_PASSWORD}", ENV))
                .as("$${ is a literal ${")
                .isEqualTo("${env:REDIS_PASSWORD}");
    }

    @Test
    void fileContentKeepsInnerLineBreaksAndCrLfIsOneBreak() throws Exception {
        Path pem = tmp.resolve("two-lines");
        Files.writeString(pem, "line 1\nline 2\r\n");
        assertThat(ConfigReferences.resolve("k", "${file:" + pem + "}", ENV)).isEqualTo("line 1\nline 2");
    }

    @Test
    void unsetVariableOrUnreadableFileNamesTheKeyAndTheSourceNotAValue() {
        assertThatThrownBy(() -> ConfigReferences.resolve("redis.password", "${env:NOT_SET_ANYWHERE}", ENV))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'redis.password'")
                .hasMessageContaining("environment variable NOT_SET_ANYWHERE, which is not set")
                .hasMessageContaining("export NOT_SET_ANYWHERE");
        Path missing = tmp.resolve("missing");
        assertThatThrownBy(() -> ConfigReferences.resolve("alerts.sinks.webhook_token", "${file:" + missing + "}", ENV))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'alerts.sinks.webhook_token'")
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("cannot be read");
        assertThatThrownBy(() -> ConfigReferences.resolve("k", "${file:" + tmp + "}", ENV))
                .as("a directory")
                .hasMessageContaining("cannot be read");
    }

    @Test
    void otherReferencesAreRefusedWithoutEchoingThem() {
        assertThatThrownBy(() -> ConfigReferences.resolve("redis.password", "${hunter2}", ENV))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'redis.password'")
                .hasMessageContaining("${env:NAME} or ${file:PATH}")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> ConfigReferences.resolve("k", "${vault:hunter2}", ENV))
                .hasMessageContaining("${vault:...}")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> ConfigReferences.resolve("k", "${env:}", ENV)).isInstanceOf(ConfigException.class);
    }

    @Test
    void onlyAWholeEnvOrFileReferenceIsAReference() {
        assertThat(ConfigReferences.isReference("${env:X}")).isTrue();
        assertThat(ConfigReferences.isReference(" ${file:/run/secrets/x} ")).isTrue();
        assertThat(ConfigReferences.isReference("pw${env:X}")).isFalse();
        assertThat(ConfigReferences.isReference("${env:X} ${env:Y}")).isFalse();
        assertThat(ConfigReferences.isReference("hunter2")).isFalse();
    }
}
