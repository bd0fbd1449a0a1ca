package io.waferflow.features;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DieHistoryTest {

    private static long pass(long time) {
        return DieKeys.stamp(time, true);
    }

    private static long fail(long time) {
        return DieKeys.stamp(time, false);
    }

    @Test
    void testsArriveInAnyOrderAndTheLatestBeforeAnEndAnswers() {
        long[] h = DieHistory.add(null, pass(300), Long.MIN_VALUE);
        h = DieHistory.add(h, fail(100), Long.MIN_VALUE);
        h = DieHistory.add(h, pass(200), Long.MIN_VALUE);
        assertThat(h).containsExactly(fail(100), pass(200), pass(300));
        assertThat(DieHistory.latestBefore(h, 100)).isNull();
        assertThat(DieHistory.latestBefore(h, 101)).isEqualTo(fail(100));
        assertThat(DieHistory.latestBefore(h, 300)).isEqualTo(pass(200));
        assertThat(DieHistory.latestBefore(h, Long.MAX_VALUE)).isEqualTo(pass(300));
        assertThat(DieHistory.latestBefore(null, 500)).isNull();
    }

    @Test
    void aKnownTestChangesNothing() {
        long[] h = DieHistory.add(null, pass(300), Long.MIN_VALUE);
        assertThat(DieHistory.add(h, pass(300), Long.MIN_VALUE)).isSameAs(h);
        assertThat(DieHistory.contains(h, pass(300))).isTrue();
        assertThat(DieHistory.contains(h, fail(300))).isFalse();
        assertThat(DieHistory.contains(null, pass(300))).isFalse();
    }

    @Test
    void testsBeforeTheHorizonShrinkToTheNewestOfThem() {
        long[] h = {fail(100), pass(200), fail(300), pass(400)};
        // Every window that can still change ends after 350: of the tests before it only 300 can be an answer.
        long[] pruned = DieHistory.add(h, pass(500), 350);
        assertThat(pruned).containsExactly(fail(300), pass(400), pass(500));
        long[] all = {fail(100), pass(200), fail(300), pass(400), pass(500)};
        for (long end = 351; end < 600; end += 7) {
            assertThat(DieHistory.latestBefore(pruned, end)).isEqualTo(DieHistory.latestBefore(all, end));
        }
        assertThat(DieHistory.add(new long[] {fail(100)}, pass(200), 1_000)).containsExactly(pass(200));
        assertThat(DieHistory.time(fail(-5))).isEqualTo(-5);
    }
}
