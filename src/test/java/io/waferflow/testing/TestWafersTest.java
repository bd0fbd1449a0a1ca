package io.waferflow.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.TestConfigs;
import io.waferflow.ingest.DeviceTestParser;
import io.waferflow.model.DeviceTest;
import io.waferflow.model.Violation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The test wafers' layout and their draw order (savepoint fixtures were written from it), and that a test die's message
 * parses into the record its harness form is.
 */
class TestWafersTest {

    private static final long T0 = 1_700_000_000_000L;

    @Test
    void diesFillRowsOfTheirWaferAndComeInEventTimeOrder() {
        List<TestDie> dies = TestWafers.seed(1)
                .lot("LX")
                .wafers(3, "WX%02d")
                .dies(10, 4)
                .starts(T0, 2_500)
                .dieEvery(1_000)
                .build();
        assertThat(dies).hasSize(30);
        assertThat(dies).extracting(TestDie::time).isSorted();
        assertThat(dies)
                .allMatch(d -> d.lot().equals("LX") && d.pass() && d.temperature() == 25.0 && d.testTimeMs() == 100);
        for (TestDie d : dies) {
            int w = d.waferNumber();
            int k = (int) ((d.time() - T0 - w * 2_500L) / 1_000);
            assertThat(d.wafer()).isEqualTo(String.format("WX%02d", w));
            assertThat(List.of(d.x(), d.y())).as(d.toString()).containsExactly(k % 4, k / 4);
        }
        assertThat(dies.subList(0, 4))
                .extracting(TestDie::wafer)
                .as("equal times in wafer order")
                .containsExactly("WX00", "WX00", "WX00", "WX01");
    }

    @Test
    void drawsInTheDocumentedOrder() {
        List<TestDie> got = TestWafers.seed(9)
                .lot("L")
                .wafers(2, "W%d")
                .dies(50, 10)
                .starts(T0, 30_000)
                .failRate(0.3)
                .failingIdd(80, 10)
                .temperature(25, 1)
                .missingTemperature(0.2)
                .testTime(100, 40)
                .build();
        Random r = new Random(9);
        List<TestDie> want = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            for (int k = 0; k < 50; k++) {
                boolean pass = r.nextDouble() > 0.3;
                double vdd = 1.2 + 0.02 * r.nextGaussian();
                double idd = pass ? 50 + 5 * r.nextGaussian() : 80 + 10 * r.nextGaussian();
                double frequency = 2000 + 100 * r.nextGaussian();
                Double temperature = r.nextDouble() < 0.2 ? null : 25 + r.nextGaussian();
                want.add(new TestDie(
                        T0 + w * 30_000L + k * 1_000L,
                        "L",
                        "W" + w,
                        k % 10,
                        k / 10,
                        pass,
                        vdd,
                        idd,
                        frequency,
                        temperature,
                        100 + r.nextInt(40)));
            }
        }
        want.sort(Comparator.comparingLong(TestDie::time));
        assertThat(got).isEqualTo(want);
    }

    @Test
    void fixedValuesDrawNothing() {
        List<TestDie> got =
                TestWafers.seed(4).dies(40, 8).failRate(0.5).failingIdd(90, 0).build();
        Random r = new Random(4);
        for (TestDie d : got) {
            boolean pass = r.nextDouble() > 0.5;
            assertThat(d.pass()).isEqualTo(pass);
            assertThat(d.vdd()).isEqualTo(1.2 + 0.02 * r.nextGaussian());
            assertThat(d.idd()).isEqualTo(pass ? 50 + 5 * r.nextGaussian() : 90);
            assertThat(d.frequency()).isEqualTo(2000 + 100 * r.nextGaussian());
        }
        assertThat(got).anyMatch(d -> !d.pass()).anyMatch(TestDie::pass);
        assertThat(TestWafers.seed(4).dies(40, 8).build())
                .as("no fail rate: every die passes, no draw")
                .allMatch(TestDie::pass)
                .first()
                .extracting(TestDie::vdd)
                .isEqualTo(1.2 + 0.02 * new Random(4).nextGaussian());
    }

    @Test
    void aSetVddChangesOnlyTheChosenDies() {
        List<TestDie> plain = TestWafers.seed(2)
                .wafers(2, "W%d")
                .dies(30, 6)
                .starts(T0, 0)
                .failRate(0.1)
                .build();
        List<TestDie> set = TestWafers.seed(2)
                .wafers(2, "W%d")
                .dies(30, 6)
                .starts(T0, 0)
                .failRate(0.1)
                .vdd((w, k) -> w == 1 && k % 5 == 0, 1.6)
                .build();
        for (int i = 0; i < plain.size(); i++) {
            TestDie p = plain.get(i);
            int k = p.y() * 6 + p.x();
            boolean chosen = p.waferNumber() == 1 && k % 5 == 0;
            TestDie expected = chosen
                    ? new TestDie(
                            p.time(),
                            p.lot(),
                            p.wafer(),
                            p.x(),
                            p.y(),
                            p.pass(),
                            1.6,
                            p.idd(),
                            p.frequency(),
                            p.temperature(),
                            p.testTimeMs())
                    : p;
            assertThat(set.get(i)).isEqualTo(expected);
        }
    }

    @Test
    void aDiesMessageParsesIntoItsHarnessRecord() {
        DeviceTestParser parser = new DeviceTestParser(
                TestConfigs.features().schema(), TestConfigs.features().quality());
        for (TestDie d : TestWafers.seed(3)
                .dies(20, 5)
                .starts(T0, 0)
                .failRate(0.3)
                .missingTemperature(0.3)
                .build()) {
            List<Violation> violations = new ArrayList<>();
            DeviceTest parsed = parser.parse(d.bytes(), d.time(), violations);
            assertThat(violations).isEmpty();
            assertThat(parsed).isEqualTo(d.deviceTest());
        }
    }

    @Test
    void theWaferNumberIsTheIdsLastDigits() {
        assertThat(TestDie.nominal(0, "L", "WF07", 0, 0).waferNumber()).isEqualTo(7);
        assertThat(TestDie.nominal(0, "L", "WRCLOCK1", 0, 0).waferNumber()).isEqualTo(1);
        assertThat(TestDie.nominal(0, "L", "WC12", 0, 0).waferNumber()).isEqualTo(12);
    }
}
