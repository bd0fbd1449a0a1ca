package io.waferflow;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.RawConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The shipped jobs/features.yaml with test overrides: tests run against the real default configuration. */
public final class TestConfigs {

    public static final Path FEATURES_YAML = Path.of("jobs/features.yaml");

    private TestConfigs() {}

    public static RawConfig raw(String... overrides) {
        return RawConfig.load(FEATURES_YAML, Arrays.asList(overrides));
    }

    public static FeaturesJobConfig features(String... overrides) {
        return FeaturesJobConfig.from(raw(overrides));
    }

    public static FeaturesJobConfig features(List<String> overrides) {
        return FeaturesJobConfig.from(RawConfig.load(FEATURES_YAML, overrides));
    }
}
