package io.waferflow.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.testing.ExpectedFeatures.Arrival;
import io.waferflow.testing.ExpectedFeatures.Windows;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The test oracle's event-time rules on inputs small enough to work out by hand. */
class ExpectedFeaturesTest {

    private static final long MIN = 60_000;
    private static final long BOUND = 5_000;

    private static TestDie die(long seconds, String wafer, int x, boolean pass) {
        return new TestDie(seconds * 1_000, "L", wafer, x, 0, pass, 1.2, 50, 2000, 25.0, 100);
    }

    @Test
    void theWatermarkIsTheSlowestPartitions() {
        // Partition 0 reaches minute 5; partition 1 is still at second 10. A record of minute 0 on partition 0 would
        // be too late by its own partition's watermark (4:55 > 0:59 + 30 s), but the job's watermark is 0:05.
        TestDie late = die(20, "A", 1, true);
        List<Arrival> arrivals = List.of(
                new Arrival(0, die(0, "A", 0, true), false),
                new Arrival(1, die(10, "B", 0, true), false),
                new Arrival(0, die(300, "A", 2, true), false),
                new Arrival(0, late, false));
        ExpectedFeatures e = ExpectedFeatures.simulate(arrivals, 2, Windows.tumbling(MIN), 30_000, BOUND);
        assertThat(e.tooLate).isEmpty();
        assertThat(e.rows.get("A@0").features.get("device_count")).isEqualTo(2.0);
        assertThat(e.rows.get("A@0").revision)
                .as("fired only at the end of the input")
                .isZero();

        // The same on one partition: too late.
        ExpectedFeatures one =
                ExpectedFeatures.compute(arrivals.stream().map(Arrival::die).toList(), MIN, 30_000, BOUND);
        assertThat(one.tooLate).containsExactly(late);
    }

    @Test
    void aLateRecordBridgingTwoFiredSessionsMergesThemIntoTheNextRevision() {
        // Sessions with a 2-minute gap: [0:00, 2:00) and [3:00, 5:00) both fire once the watermark passes their ends;
        // a late record at 1:30 touches both ([1:30, 3:30)) and merges them, within the 5-minute lateness.
        List<Arrival> arrivals = List.of(
                new Arrival(0, die(0, "A", 0, true), false),
                new Arrival(0, die(180, "A", 1, true), false),
                new Arrival(0, die(400, "B", 0, true), false),
                new Arrival(0, die(90, "A", 2, false), false));
        ExpectedFeatures e = ExpectedFeatures.simulate(arrivals, 1, Windows.session(2 * MIN), 5 * MIN, BOUND);
        assertThat(e.rows.keySet()).containsExactly("A@0", "B@400000");
        ExpectedFeatures.Row merged = e.rows.get("A@0");
        assertThat(merged.windowEnd).isEqualTo(300_000);
        assertThat(merged.features.get("device_count")).isEqualTo(3.0);
        assertThat(merged.revision)
                .as("both sessions had fired (revision 0): the merge is revision 1")
                .isEqualTo(1);
        assertThat(e.lateWithinLateness).isEqualTo(1);
    }

    @Test
    void aLateNeighbourRevisesAWindowThatFiredBeforeIt() {
        // Window 0:00 fires with die 0; window 1:00 (die 1, next to it) fires; then die 2 of window 0:00 (failing)
        // arrives late and re-fires window 0:00, whose value must not see die 1 (tested after 1:00); and window 1:00,
        // which fired before die 2 (its neighbour, tested before 1:00) arrived, is computed again: its next revision.
        ExpectedFeatures e = lateNeighbourOfAFiredWindow(false);
        ExpectedFeatures.Row first = e.rows.get("A@0");
        assertThat(first.revision).isEqualTo(1);
        assertThat(e.lateAfterNewerWindow).hasSize(1);
        assertThat(e.lateWindowUpdates).isEqualTo(1);
        // Before 1:00 only dies 0 and 2 were tested, two columns apart: no tested neighbours.
        assertThat(first.features.get("neighbor_yield_avg")).isNull();
        ExpectedFeatures.Row second = e.rows.get("A@60000");
        assertThat(second.features.get("neighbor_yield_avg"))
                .as("die 1 between passing die 0 and failing die 2")
                .isEqualTo(0.5);
        assertThat(second.revision)
                .as("fired with die 0 alone next to die 1 (1.0), then revised when die 2 arrived")
                .isEqualTo(1);
        assertThat(e.neighbourRecomputes).isEqualTo(1);
        ExpectedFeatures.Row third = e.rows.get("A@120000");
        assertThat(third.features.get("neighbor_yield_avg")).isNull();
        assertThat(third.revision).isZero();
    }

    @Test
    void aLateNeighbourThatChangesNothingRevisesNothing() {
        // As above, but die 2 passes like die 0: window 1:00's value stays 1.0 and is not emitted again.
        ExpectedFeatures e = lateNeighbourOfAFiredWindow(true);
        assertThat(e.rows.get("A@60000").revision).isZero();
        assertThat(e.rows.get("A@60000").features.get("neighbor_yield_avg")).isEqualTo(1.0);
        assertThat(e.neighbourRecomputes).isZero();
    }

    /** Dies 0, 1 and 5 of wafer A at 0:00, 1:10 and 2:10 (passing), then die 2 at 0:50 ({@code pass}), late. */
    private static ExpectedFeatures lateNeighbourOfAFiredWindow(boolean pass) {
        List<Arrival> arrivals = List.of(
                new Arrival(0, die(0, "A", 0, true), false),
                new Arrival(0, die(70, "A", 1, true), false),
                new Arrival(0, die(130, "A", 5, true), false),
                new Arrival(0, die(50, "A", 2, pass), false));
        return ExpectedFeatures.simulate(arrivals, 1, Windows.tumbling(MIN), 2 * MIN, BOUND);
    }
}
