package io.waferflow.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waferflow.TestConfigs;
import io.waferflow.config.FeaturesJobConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A configured baseline file is checked when the job is built, not when the first drift window closes. */
class BaselineFileTest {

    @TempDir
    Path tmp;

    private static BaselineFile forConfig(String... overrides) {
        FeaturesJobConfig c = TestConfigs.features(overrides);
        return BaselineFile.forConfig(c.drift(), c.schema().parameterNames());
    }

    @Test
    void aMissingUnreadableOrPartialFileIsNamedWithTheFix() throws Exception {
        assertThatThrownBy(() ->
                        forConfig("drift.baseline.from=file", "drift.baseline.file=" + tmp.resolve("missing.json")))
                .hasMessageContaining("'drift.baseline.file'")
                .hasMessageContaining("missing.json");
        Path notJson = Files.writeString(tmp.resolve("bad.json"), "{\"format\": \"something else\"}");
        assertThatThrownBy(() -> forConfig("drift.baseline.from=file", "drift.baseline.file=" + notJson))
                .hasMessageContaining("not a waferflow-baseline/1 file");

        Distribution vdd = Distribution.ofValues(new double[] {1.19, 1.2, 1.21}, 200);
        Path partial = tmp.resolve("partial.json");
        new BaselineFile("history.jsonl", Instant.EPOCH, 200, Map.of("vdd", vdd)).write(partial);
        assertThatThrownBy(() -> forConfig("drift.baseline.from=file", "drift.baseline.file=" + partial))
                .hasMessageContaining("no baseline for parameter 'idd'");
    }

    @Test
    void aCompleteFileIsRead() throws Exception {
        Distribution vdd = Distribution.ofValues(new double[] {1.19, 1.2, 1.21}, 200);
        Path full = tmp.resolve("full.json");
        new BaselineFile(
                        "history.jsonl",
                        Instant.EPOCH,
                        200,
                        Map.of("vdd", vdd, "idd", vdd, "frequency", vdd, "temperature", vdd))
                .write(full);
        assertThat(forConfig("drift.baseline.from=file", "drift.baseline.file=" + full)
                        .features
                        .get("vdd")
                        .n)
                .isEqualTo(3);
    }
}
