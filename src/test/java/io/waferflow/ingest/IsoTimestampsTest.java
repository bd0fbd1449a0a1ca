package io.waferflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IsoTimestampsTest {

    @Test
    void fastPathAgreesWithJavaTimeOnRandomInstantsAndOffsets() {
        Random random = new Random(1);
        for (int i = 0; i < 100_000; i++) {
            long millis = (long) (random.nextDouble() * 5_000_000_000_000L) - 1_000_000_000_000L;
            int offsetMinutes = (random.nextInt(27 * 4) - 12 * 4) * 15;
            OffsetDateTime t = Instant.ofEpochMilli(millis).atOffset(ZoneOffset.ofTotalSeconds(offsetMinutes * 60));
            String text = DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t); // "Z" for UTC, fraction only when non-zero
            assertThat(IsoTimestamps.parseCommon(text)).as(text).isEqualTo(millis);
        }
    }

    @Test
    void agreesOnInstantToStringTheFormatMostProducersWrite() {
        Random random = new Random(2);
        long start = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
        for (int i = 0; i < 100_000; i++) {
            long millis = start + (long) (random.nextDouble() * 366L * 86_400_000L);
            String text = Instant.ofEpochMilli(millis).toString();
            assertThat(IsoTimestamps.parseCommon(text)).as(text).isEqualTo(millis);
        }
    }

    @Test
    void fractionsAreTruncatedToMillisLikeJavaTime() {
        for (String text : List.of(
                "2026-02-28T23:59:59.9999Z", "2024-02-29T00:00:00.1+05:30", "2026-11-27T10:00:00.123456789-08:00")) {
            assertThat(IsoTimestamps.parseCommon(text))
                    .as(text)
                    .isEqualTo(OffsetDateTime.parse(text).toInstant().toEpochMilli());
        }
    }

    @Test
    void uncommonOrInvalidShapesGoToTheGeneralParser() {
        for (String text : List.of(
                "2026-11-27T10:00:00",
                "2026-11-27 10:00:00Z",
                "2026-02-30T10:00:00Z",
                "2026-11-27T24:00:00Z",
                "2026-11-27T10:00:00.Z",
                "2026-11-27T10:00:00+0100",
                "x026-11-27T10:00:00Z",
                "2026-11-27T10:00:30.\u0661\u0662\u0663Z",
                "2026-11-27T10:00:00+18:30")) {
            assertThat(IsoTimestamps.parseCommon(text)).as(text).isEqualTo(IsoTimestamps.NOT_COMMON);
        }
    }
}
