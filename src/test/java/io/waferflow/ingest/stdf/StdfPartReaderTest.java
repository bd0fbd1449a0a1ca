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

    private static final Limits LIMITS = new Limits(0x0E, 0, 0, 0, 0f, 10f);

    /** One part on head 1 site 2 with {@code tests} between its PIR and PRR, in a whole file. */
    private static byte[] onePart(java.util.function.Consumer<io.waferflow.local.stdf.StdfWriter> tests)
            throws IOException {
        return StdfFiles.write(ByteOrder.LITTLE_ENDIAN, Compression.NONE, w -> {
            w.mir(StdfWafer.mir())
                    .wir(new Wir(1, 255, StdfWafer.WIR_START, "W1"))
                    .pir(new Pir(1, 2));
            tests.accept(w);
            w.prr(new Prr(1, 2, 0, 3, 1, 1, 5, 6, 80, "D1", "")).mrr(StdfWafer.WIR_START + 60);
        });
    }

    private static StdfPart only(byte[] file, StdfConfig config) throws IOException {
        Read read = read("f.stdf", file, config);
        assertThat(read.issues()).isEmpty();
        assertThat(read.parts()).hasSize(1);
        return read.parts().get(0);
    }

    private static StdfConfig mapping(String parameter, io.waferflow.config.TestMapping m) {
        Map<String, io.waferflow.config.TestMapping> p = new LinkedHashMap<>();
        p.put(parameter, m);
        return StdfConfig.of(p, false, null);
    }

    @org.junit.jupiter.api.Test
    void anMprGivesTheConfiguredPinOrTheMeanOfItsValidResultsConverted() throws IOException {
        byte[] file = onePart(w -> w.mpr(new Mpr(
                500,
                1,
                2,
                0,
                0,
                List.of(0, 0, 0),
                List.of(10f, 20f, Float.NaN),
                "IDD",
                "",
                LIMITS,
                0f,
                0f,
                List.of(1, 2, 3),
                "uA")));
        StdfPart pin1 = only(file, mapping("idd", new io.waferflow.config.TestMapping(null, "IDD", "mA", 1)));
        assertThat(pin1.fields().get("idd")).isEqualTo(0.02); // 20 uA
        StdfPart mean = only(file, mapping("idd", new io.waferflow.config.TestMapping(500L, null, "mA", null)));
        assertThat(mean.fields().get("idd")).isEqualTo(0.015); // (10 + 20) / 2 uA; the NaN is no result
        StdfPart noSuchPin = only(file, mapping("idd", new io.waferflow.config.TestMapping(500L, null, "mA", 7)));
        assertThat(noSuchPin.fields()).containsEntry("idd", null);
    }

    @org.junit.jupiter.api.Test
    void aMappedFunctionalTestIsOneForPassZeroForFail() throws IOException {
        StdfConfig config = mapping("vdd", new io.waferflow.config.TestMapping(null, "scan", "", null));
        java.util.function.Function<Integer, Ftr> ftr = flags -> new Ftr(
                9,
                1,
                2,
                flags,
                255,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                new java.util.BitSet(),
                "",
                "",
                "",
                "scan");
        assertThat(only(onePart(w -> w.ftr(ftr.apply(0))), config).fields()).containsEntry("vdd", 1.0);
        assertThat(only(onePart(w -> w.ftr(ftr.apply(0x80))), config).fields()).containsEntry("vdd", 0.0);
        assertThat(only(onePart(w -> w.ftr(ftr.apply(0x40))), config).fields()).containsEntry("vdd", null);
    }

    @org.junit.jupiter.api.Test
    void keepAllTestsNamesEveryOtherTestAfterItsTextOrNumber() throws IOException {
        byte[] file = onePart(w -> w.ptr(new Ptr(100, 1, 2, 0, 0, 1.2f, "VDD", "", LIMITS, "V"))
                .ptr(new Ptr(7, 1, 2, 0, 0, 3.5f, "Leak @ 1.8V", "", LIMITS, "nA"))
                .ptr(new Ptr(8, 1, 2, 0x02, 0, 9f, "", "", LIMITS, ""))
                .ptr(new Ptr(9, 1, 2, 0, 0, 4f, "die_x", "", LIMITS, "")));
        StdfPart part = only(file, SHIPPED.withKeepAllTests(true));
        assertThat(part.fields())
                .containsEntry("vdd", 1.2)
                .containsEntry("leak___1_8v", 3.5)
                .containsEntry("t8", null) // flagged invalid
                .containsEntry("die_x_t9", 4.0) // never a core field's name
                .containsEntry("die_x", 5);
        assertThat(List.copyOf(part.fields().keySet()).subList(11, 15))
                .containsExactly("vdd", "idd", "frequency", "temperature");
        assertThat(only(file, SHIPPED).fields()).doesNotContainKey("t8").hasSize(15);
    }

    @org.junit.jupiter.api.Test
    void testerIdIsTheNodeNameOrOnePerHeadAndSite() throws IOException {
        byte[] file = onePart(w -> {});
        assertThat(only(file, SHIPPED).fields()).containsEntry("tester_id", StdfWafer.NODE);
        assertThat(only(file, SHIPPED.withTesterId(StdfConfig.NODE_HEAD_SITE)).fields())
                .containsEntry("tester_id", StdfWafer.NODE + "/h1s2");
    }

    @org.junit.jupiter.api.Test
    void laterPtrsTakeTheFirstOnesUnitsAndLimitsUnlessTheySayOtherwise() throws IOException {
        StdfWafer wafer = StdfWafer.random(new Random(9), "W2", 6, 2); // units on the first PTR of a test only
        byte[] file = StdfWafer.file(wafer, ByteOrder.BIG_ENDIAN, Compression.GZIP, null);
        Read read = read("w2.stdf.gz", file, SHIPPED);
        assertThat(read.issues()).isEmpty(); // no test without limits: the first PTR of each has them
        assertThat(byDevice(read.parts())).isEqualTo(wafer.expected(StdfWafer.NODE)); // IDD in A, read in mA

        TestDefaults vdd = new TestDefaults(100, "VDD", new Limits(0x0E, 0, 0, 0, 1.0f, 1.4f), "V", "vdd", null);
        assertThat(vdd.limitsFor(Limits.OMITTED))
                .extracting(Limits::lowLimit, Limits::highLimit)
                .containsExactly(1.0f, 1.4f);
        // OPT_FLAG bit 4 (low limit invalid: use the default), bit 7 (no high limit)
        assertThat(vdd.limitsFor(new Limits(0x90, 0, 0, 0, null, null)))
                .extracting(Limits::lowLimit, Limits::highLimit)
                .containsExactly(1.0f, null);
        assertThat(vdd.limitsFor(new Limits(0x00, 0, 0, 0, 0.9f, 1.5f)))
                .extracting(Limits::lowLimit, Limits::highLimit)
                .containsExactly(0.9f, 1.5f);
        assertThat(vdd.unitsFor("")).isEqualTo("V");
        assertThat(vdd.exponentFor("mV")).isEqualTo(-3);
    }

    @org.junit.jupiter.api.Test
    void unitsConvertBySiPrefixOnly() {
        assertThat(UnitScale.exponent("mV", "V")).isEqualTo(-3);
        assertThat(UnitScale.exponent("A", "mA")).isEqualTo(3);
        assertThat(UnitScale.exponent("Hz", "MHz")).isEqualTo(-6);
        assertThat(UnitScale.exponent("uA", "mA")).isEqualTo(-3);
        assertThat(UnitScale.exponent("degC", "C")).isEqualTo(0);
        assertThat(UnitScale.exponent("", "V")).isEqualTo(0);
        assertThat(UnitScale.exponent("A", "V")).isNull();
        assertThat(UnitScale.exponent("m", "V")).isNull();
        assertThat(UnitScale.scaled(1234.5f, -3)).isEqualTo(1.2345);
        assertThat(UnitScale.scaled(0.1f, 0)).isEqualTo(0.1);
        assertThat(UnitScale.scaled(Float.NaN, 3)).isNaN();
    }
}
