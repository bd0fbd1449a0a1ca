package io.waferflow.ingest.stdf;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.TestConfigs;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.ingest.DeviceTestParser;
import io.waferflow.ingest.stdf.StdfFiles.Compression;
import io.waferflow.model.DeviceTest;
import io.waferflow.model.Violation;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link StdfPart#toJson()} is the input contract: the job's own parser reads it with the shipped schema. */
class StdfPartJsonTest {

    @Test
    void theInputParserReadsEveryPartWithoutViolationAndWithTheWrittenValues() throws IOException {
        FeaturesJobConfig config = TestConfigs.features();
        DeviceTestParser parser = new DeviceTestParser(config.schema(), config.quality());
        // no invalid results: vdd, idd and frequency are required, not nullable, in the shipped schema
        StdfWafer wafer = new StdfWafer(
                "W5",
                List.of(List.of(
                        new StdfWafer.Part(1, 0, "W5-A", 3, -4, 1, 12, true, 101, 1.21f, 0.048f, 1.5e9f, null),
                        new StdfWafer.Part(1, 1, "W5-B", 4, -4, 5, 40, false, 99, 1.3f, 0.1f, 2.0e9f, 30.5f))));
        byte[] file = StdfWafer.file(wafer, ByteOrder.BIG_ENDIAN, Compression.NONE, new Random(1));
        List<StdfPart> parts =
                StdfPartReaderTest.read("w5.stdf", file, config.stdf()).parts();
        assertThat(parts).hasSize(2);

        for (StdfPart part : parts) {
            Map<String, Object> written = wafer.expected(StdfWafer.NODE).get(part.deviceId());
            List<Violation> violations = new ArrayList<>();
            long now = (Long) written.get("event_time") + 1000;
            DeviceTest d = parser.parse(part.toJson(), now, violations);

            assertThat(violations).as(new String(part.toJson())).isEmpty();
            assertThat(d.eventTime).isEqualTo(written.get("event_time"));
            assertThat(d.lotId).isEqualTo(StdfWafer.LOT);
            assertThat(d.waferId).isEqualTo("W5");
            assertThat(d.deviceId).isEqualTo(part.deviceId());
            assertThat(d.dieX).isEqualTo(written.get("die_x"));
            assertThat(d.dieY).isEqualTo(written.get("die_y"));
            assertThat(d.testTimeMs).isEqualTo(written.get("test_time_ms"));
            assertThat(d.passFail).isEqualTo(written.get("pass_fail"));
            assertThat(d.hardBin).isEqualTo(written.get("hard_bin"));
            assertThat(d.softBin).isEqualTo(written.get("soft_bin"));
            assertThat(d.testerId).isEqualTo(StdfWafer.NODE);
            Double temperature = (Double) written.get("temperature");
            assertThat(d.parameters)
                    .containsExactly(
                            (Double) written.get("vdd"),
                            (Double) written.get("idd"),
                            (Double) written.get("frequency"),
                            temperature == null ? Double.NaN : temperature);
        }
        // the values a user reads: 0.048 A is 48 mA, 1.5e9 Hz is 1500 MHz (an R4 holds it exactly)
        StdfPart partA = parts.stream()
                .filter(p -> p.deviceId().equals("W5-A"))
                .findFirst()
                .orElseThrow();
        DeviceTest a = parser.parse(partA.toJson(), partA.eventTime(), new ArrayList<>());
        assertThat(a.parameters).containsExactly(1.21, 48.0, 1500.0, Double.NaN);
    }
}
