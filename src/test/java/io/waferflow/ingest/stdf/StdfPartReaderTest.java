package io.waferflow.ingest.stdf;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.TestConfigs;
import io.waferflow.config.StdfConfig;
import io.waferflow.ingest.stdf.StdfFiles.Compression;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Parts assembled from multi-site STDF files the test writes, with the shipped stdf mapping. */
class StdfPartReaderTest {

    static final StdfConfig SHIPPED = TestConfigs.features().stdf();

    /** Everything a reader returns, in order. */
    record Read(List<StdfPart> parts, List<StdfIssue> issues, List<StdfItem> items, StdfFileReport report) {}

    static Read read(String name, byte[] file, StdfConfig config) throws IOException {
        List<StdfPart> parts = new ArrayList<>();
        List<StdfIssue> issues = new ArrayList<>();
        List<StdfItem> items = new ArrayList<>();
        try (StdfPartReader r = StdfPartReader.open(name, () -> new ByteArrayInputStream(file), config)) {
            for (StdfItem i = r.next(); i != null; i = r.next()) {
                items.add(i);
                if (i instanceof StdfPart p) {
                    parts.add(p);
                } else {
                    issues.add((StdfIssue) i);
                }
            }
            return new Read(parts, issues, items, r.report());
        }
    }

    static Map<String, Map<String, Object>> byDevice(List<StdfPart> parts) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        parts.forEach(p -> out.put(p.deviceId(), p.fields()));
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"BIG_ENDIAN", "LITTLE_ENDIAN"})
    void fourInterleavedSitesGiveEachPartItsOwnResultsUnitsAndClock(String orderName) throws IOException {
        ByteOrder order = orderName.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        StdfWafer wafer = StdfWafer.random(new Random(5), "W01", 25, 4);
        byte[] file = StdfWafer.file(wafer, order, Compression.NONE, new Random(6));

        Read read = read("w01.stdf", file, SHIPPED);

        assertThat(read.issues()).isEmpty();
        assertThat(byDevice(read.parts())).containsExactlyInAnyOrderEntriesOf(wafer.expected(StdfWafer.NODE));
        assertThat(read.report().parts()).isEqualTo(100);
        assertThat(read.report().partsBySite()).containsOnlyKeys("h1s0", "h1s1", "h1s2", "h1s3");
        assertThat(read.report().wafers()).containsExactly("W01");
    }
}
