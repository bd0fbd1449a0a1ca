package io.waferflow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waferflow.TestConfigs;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The {@code serving} section: safe defaults when a job file lacks it, checked values, a masked token. */
class ServingConfigTest {

    @Test
    void aJobFileWithoutTheSectionServesOnLoopbackWithoutCache() throws Exception {
        String yaml = Files.readString(TestConfigs.FEATURES_YAML);
        String withoutServing = yaml.substring(0, yaml.indexOf("\n# `waferflow serve`"));
        ServingConfig serving =
                FeaturesJobConfig.from(RawConfig.parse(withoutServing)).serving();
        assertThat(serving.host()).isEqualTo("127.0.0.1");
        assertThat(serving.port()).isEqualTo(8090);
        assertThat(serving.token().isEmpty()).isTrue();
        assertThat(serving.maxEntities()).isEqualTo(1000);
        assertThat(serving.cache().enabled()).isFalse();
        assertThat(serving.cache().ttl()).isEqualTo(Duration.ofSeconds(1));
        assertThat(serving).isEqualTo(TestConfigs.features().serving()); // the shipped file says the same
    }

    @Test
    void theTokenIsASecretNeverShown() {
        RawConfig raw = TestConfigs.raw("serving.token=hunter2-long-token");
        assertThat(raw.toString()).doesNotContain("hunter2").contains("serving.token: ******");
        ServingConfig serving = FeaturesJobConfig.from(raw).serving();
        assertThat(serving.token().value()).isEqualTo("hunter2-long-token");
        assertThat(serving.toString()).doesNotContain("hunter2");
    }

    @Test
    void badValuesNameTheKey() {
        assertThatThrownBy(() -> TestConfigs.features("serving.prot=1"))
                .hasMessageContaining("did you mean 'serving.port'?");
        assertThatThrownBy(() -> TestConfigs.features("serving.max_entities=0"))
                .hasMessageContaining("serving.max_entities")
                .hasMessageContaining("outside 1..100000");
        assertThatThrownBy(() -> TestConfigs.features("serving.retry_after=500 ms"))
                .hasMessageContaining("serving.retry_after")
                .hasMessageContaining("below 1 s");
        assertThatThrownBy(() -> TestConfigs.features("serving.cache.enabled=true", "serving.cache.ttl=0 s"))
                .hasMessageContaining("serving.cache.ttl")
                .hasMessageContaining("is zero");
    }
}
