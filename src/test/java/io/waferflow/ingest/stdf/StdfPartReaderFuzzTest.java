package io.waferflow.ingest.stdf;

import static io.waferflow.ingest.stdf.StdfPartReaderTest.read;
import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.config.StdfConfig;
import io.waferflow.ingest.stdf.StdfPartReaderTest.Read;
import io.waferflow.local.stdf.StdfWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random damage to a two-wafer, four-site file: the part reader never throws, and no part is lost or invented. A
 * cut file gives exactly the parts whose PRR is before the cut, with their written values, and one
 * {@link StdfRules#PART_WITHOUT_PRR} per part whose PIR is before the cut but not its PRR (the truncation issue stands
 * for the rest). A bit flip anywhere gives only written device ids, each once, at most two parts with other values than
 * written (a flipped head/site byte moves one result from one part to another), and an issue whenever a part is
 * missing. Expected values and byte spans come from what the test wrote.
 */
class StdfPartReaderFuzzTest {

    private static final int ROUNDS = 1500;
    private static final StdfConfig NO_BLOCKING = StdfPartReaderTest.SHIPPED.withBlockOn(null);

    private record Written(byte[] file, Map<String, Map<String, Object>> expected, StdfWafer.Spans spans) {}

    private static Written written(ByteOrder order) {
        List<StdfWafer> wafers =
                List.of(StdfWafer.random(new Random(21), "WA", 8, 4), StdfWafer.random(new Random(22), "WB", 8, 4));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StdfWafer.Spans spans = new StdfWafer.Spans(bytes::size);
        StdfWriter w = new StdfWriter(bytes, order);
        w.mir(StdfWafer.mir());
        Random siteOrder = new Random(23);
        wafers.forEach(wafer -> wafer.writeWafer(w, siteOrder, spans));
        StdfWafer.mrr(w);
        Map<String, Map<String, Object>> expected = new HashMap<>();
        wafers.forEach(wafer -> wafer.expected(StdfWafer.NODE).forEach((id, fields) -> expected.put(id, fields)));
        return new Written(bytes.toByteArray(), expected, spans);
    }

    /** The fields a PRR alone gives. */
    private static final List<String> PRR_FIELDS =
            List.of("device_id", "die_x", "die_y", "test_time_ms", "pass_fail", "hard_bin", "soft_bin");

    private static String key(StdfPart p) {
        return p.deviceId(); // part ids name their wafer
    }

    private static long count(Read read, String rule) {
        return read.issues().stream().filter(i -> i.rule().equals(rule)).count();
    }

    @ParameterizedTest
    @ValueSource(strings = {"BIG_ENDIAN", "LITTLE_ENDIAN"})
    void cutFilesGiveExactlyThePartsBeforeTheCutAndAccountForTheOpenOnes(String orderName) throws IOException {
        Written w = written(orderName.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        Random random = new Random(31);
        for (int round = 0; round < ROUNDS; round++) {
            int length = random.nextInt(w.file().length + 1);
            Read read = read("cut.stdf", Arrays.copyOf(w.file(), length), NO_BLOCKING);

            Set<String> before = w.spans().prrEnd.entrySet().stream()
                    .filter(e -> e.getValue() <= length)
                    .map(Map.Entry::getKey)
                    .collect(Collectors.toSet());
            long open = w.spans().pirEnd.entrySet().stream()
                    .filter(e -> e.getValue() <= length && !before.contains(e.getKey()))
                    .count();
            Map<String, Map<String, Object>> got =
                    read.parts().stream().collect(Collectors.toMap(StdfPartReaderFuzzTest::key, StdfPart::fields));
            assertThat(got.keySet()).as("cut at %d", length).isEqualTo(before);
            got.forEach((k, fields) -> assertThat(fields)
                    .as("cut at %d: %s", length, k)
                    .isEqualTo(w.expected().get(k)));
            assertThat(count(read, StdfRules.PART_WITHOUT_PRR))
                    .as("cut at %d", length)
                    .isEqualTo(open);
            if (before.size() < w.expected().size()) {
                assertThat(count(read, StdfRules.TRUNCATED) + count(read, StdfRules.PART_WITHOUT_PRR))
                        .as("cut at %d: the lost parts are accounted for", length)
                        .isPositive();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"BIG_ENDIAN", "LITTLE_ENDIAN"})
    void bitFlipsNeverThrowNorInventParts(String orderName) throws IOException {
        Written w = written(orderName.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        Random random = new Random(32);
        for (int round = 0; round < ROUNDS; round++) {
            byte[] damaged = w.file().clone();
            int at = 6 + random.nextInt(damaged.length - 6); // the FAR's own damage is StdfReaderFuzzTest's
            damaged[at] ^= (byte) (1 << random.nextInt(8));

            Read read = read("flip.stdf", damaged, NO_BLOCKING);

            // STDF has no checksums: a flip inside a PRR's body gives that one part other ids or values, unnoticed.
            // Every other part is a written one, with the values its PRR was written with, once.
            long notWritten = 0;
            Set<String> seen = new java.util.HashSet<>();
            for (StdfPart p : read.parts()) {
                Map<String, Object> written = w.expected().get(p.deviceId());
                if (written == null
                        || !PRR_FIELDS.stream()
                                .allMatch(f -> java.util.Objects.equals(
                                        written.get(f), p.fields().get(f)))) {
                    notWritten++;
                } else {
                    assertThat(seen.add(p.deviceId()))
                            .as("flip at %d: %s twice", at, p.deviceId())
                            .isTrue();
                }
            }
            assertThat(notWritten).as("flip at %d", at).isLessThanOrEqualTo(1);
            if (read.parts().size() < w.expected().size()) {
                assertThat(read.issues())
                        .as("flip at %d: a missing part is accounted for", at)
                        .isNotEmpty();
            }
        }
    }
}
