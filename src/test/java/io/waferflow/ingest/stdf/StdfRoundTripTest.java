package io.waferflow.ingest.stdf;

import static io.waferflow.ingest.stdf.StdfPartReaderTest.read;
import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.ingest.stdf.StdfFiles.Compression;
import io.waferflow.ingest.stdf.StdfPartReaderTest.Read;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property: random files (1–3 wafers, 1–4 interleaved sites in random order, random results with some invalid, both
 * byte orders, plain, gzip and bzip2) read back as exactly the parts written, field by field, with no issue.
 */
class StdfRoundTripTest {

    private static final int FILES = 60;

    @Test
    void randomWafersReadBackAsExactlyTheWrittenParts() throws IOException {
        Random random = new Random(16);
        long partsChecked = 0;
        for (int round = 0; round < FILES; round++) {
            List<StdfWafer> wafers = new ArrayList<>();
            int waferCount = 1 + random.nextInt(3);
            for (int i = 0; i < waferCount; i++) {
                wafers.add(
                        StdfWafer.random(random, "W" + round + "-" + i, 1 + random.nextInt(15), 1 + random.nextInt(4)));
            }
            ByteOrder order = random.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            Compression compression = Compression.values()[random.nextInt(3)];
            Random siteOrder = new Random(random.nextLong());
            byte[] file = StdfFiles.write(order, compression, w -> {
                w.mir(StdfWafer.mir());
                wafers.forEach(wafer -> wafer.writeWafer(w, siteOrder, null));
                StdfWafer.mrr(w);
            });

            Read read = read("round" + round + ".stdf", file, StdfPartReaderTest.SHIPPED);

            Map<String, Map<String, Object>> expected = new LinkedHashMap<>();
            wafers.forEach(wafer -> wafer.expected(StdfWafer.NODE)
                    .forEach((id, fields) -> expected.put(wafer.waferId + "/" + id, fields)));
            Map<String, Map<String, Object>> actual = new LinkedHashMap<>();
            for (StdfPart p : read.parts()) {
                assertThat(actual.put(p.waferId() + "/" + p.deviceId(), p.fields()))
                        .as("%s read twice", p.deviceId())
                        .isNull();
            }
            String what = "file " + round + ": " + order + " " + compression;
            assertThat(read.issues()).as(what).isEmpty();
            assertThat(actual).as(what).isEqualTo(expected);
            assertThat(read.report().parts()).as(what).isEqualTo(expected.size());
            assertThat(read.report().wafers())
                    .as(what)
                    .containsExactlyElementsOf(
                            wafers.stream().map(w -> w.waferId).toList());
            partsChecked += expected.size();
        }
        assertThat(partsChecked).isGreaterThan(1000);
    }
}
