package io.waferflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waferflow.config.ConfigException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code features --source}: kafka (the default) or stdf:DIR, a directory as a URI; anything else names the fix. */
class FeaturesCommandSourceTest {

    @Test
    void kafkaOrAStdfDirectory() {
        assertThat(FeaturesCommand.stdfDirectory("kafka")).isNull();
        assertThat(FeaturesCommand.stdfDirectory("stdf:/data/drop"))
                .isEqualTo(Path.of("/data/drop").toUri().toString());
        assertThat(FeaturesCommand.stdfDirectory("stdf:s3://bucket/stdf")).isEqualTo("s3://bucket/stdf");
        assertThat(FeaturesCommand.stdfDirectory("stdf:drop"))
                .isEqualTo(Path.of("drop").toAbsolutePath().normalize().toUri().toString());
    }

    @Test
    void anythingElseIsAConfigurationError() {
        assertThatThrownBy(() -> FeaturesCommand.stdfDirectory("files"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--source")
                .hasMessageContaining("stdf:DIR");
        assertThatThrownBy(() -> FeaturesCommand.stdfDirectory("stdf:")).isInstanceOf(ConfigException.class);
    }
}
