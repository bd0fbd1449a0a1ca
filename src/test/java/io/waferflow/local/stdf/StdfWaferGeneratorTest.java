package io.waferflow.local.stdf;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.ingest.stdf.Limits;
import io.waferflow.ingest.stdf.Pir;
import io.waferflow.ingest.stdf.Prr;
import io.waferflow.ingest.stdf.Ptr;
import io.waferflow.ingest.stdf.StdfData;
import io.waferflow.ingest.stdf.StdfDecoder;
import io.waferflow.ingest.stdf.StdfReader;
import io.waferflow.ingest.stdf.StdfRecord;
import io.waferflow.ingest.stdf.Wrr;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The benchmark's synthetic wafer is what a multi-site tester writes: checked record by record from the bytes. */
class StdfWaferGeneratorTest {

    @Test
    void partsAreInterleavedBySiteAndOnlyEachTestsFirstPtrCarriesLimits() throws Exception {
        int parts = 10;
        int tests = 9;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new StdfWaferGenerator(parts, tests, 4, 7).write(bytes, ByteOrder.BIG_ENDIAN);
        List<StdfData> records = new ArrayList<>();
        try (StdfReader reader = StdfReader.open(new ByteArrayInputStream(bytes.toByteArray()))) {
            for (StdfRecord r = reader.next(); r != null; r = reader.next()) {
                records.add(StdfDecoder.decode(r));
            }
        }

        Map<Long, Limits> limits = new HashMap<>();
        Map<Integer, Boolean> failedBySite = new HashMap<>();
        Set<String> dies = new HashSet<>();
        List<Integer> sitesOfFirstTest = new ArrayList<>();
        int ptrs = 0;
        int good = 0;
        for (StdfData d : records) {
            if (d instanceof Pir p) {
                assertThat(failedBySite.put(p.site(), false))
                        .as("a PIR on an open site")
                        .isNull();
            } else if (d instanceof Ptr p) {
                ptrs++;
                if (p.testNumber() == 1000 && ptrs <= 4) {
                    sitesOfFirstTest.add(p.site());
                }
                if (limits.containsKey(p.testNumber())) {
                    assertThat(p.limits()).isEqualTo(Limits.OMITTED);
                    assertThat(p.units()).isEmpty();
                } else {
                    assertThat(p.limits().optFlag()).isNotNull();
                    assertThat(p.units()).isNotEmpty();
                    limits.put(p.testNumber(), p.limits());
                }
                Limits l = limits.get(p.testNumber());
                boolean outside = p.result() < l.lowLimit() || p.result() > l.highLimit();
                assertThat(p.passed()).isEqualTo(!outside);
                failedBySite.merge(p.site(), outside, Boolean::logicalOr);
            } else if (d instanceof Prr p) {
                boolean failed = failedBySite.remove(p.site());
                assertThat(p.passed()).isEqualTo(!failed);
                good += failed ? 0 : 1;
                assertThat(dies.add(p.x() + "," + p.y()))
                        .as("die %s,%s tested twice", p.x(), p.y())
                        .isTrue();
            } else if (d instanceof Wrr w) {
                assertThat(w.partCount()).isEqualTo(parts);
                assertThat(w.goodCount()).isEqualTo(good);
            }
        }
        assertThat(ptrs).isEqualTo(parts * tests);
        assertThat(dies).hasSize(parts);
        assertThat(failedBySite).isEmpty();
        assertThat(limits).hasSize(tests);
        assertThat(sitesOfFirstTest).containsExactly(1, 2, 3, 4);
        assertThat(StdfWaferGenerator.testProgram(tests).stream().map(StdfWaferGenerator.TestSpec::name))
                .startsWith("VDD", "IDD", "FMAX", "TEMPERATURE")
                .doesNotHaveDuplicates();
    }

    @Test
    void testNamesStayDistinctInALongProgram() {
        assertThat(StdfWaferGenerator.testProgram(2_000).stream().map(StdfWaferGenerator.TestSpec::name))
                .doesNotHaveDuplicates();
    }
}
