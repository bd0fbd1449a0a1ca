package io.waferflow.sketch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * Quantiles of a wafer window: exact (and so the same in every run) up to {@link QuantileSketches#EXACT_VALUES} values,
 * a sketch beyond; state of either kind, and state written before exact values existed, reads back.
 */
class QuantileSketchesTest {

    private static double nearestRank(double[] values, double rank) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.ceil(rank * sorted.length) - 1];
    }

    private static double[] gaussian(int n, long seed) {
        Random random = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 50 + 5 * random.nextGaussian();
        }
        return v;
    }

    @Test
    void upToTheLimitQuantilesAreExactAndRunsAgree() {
        double[] values = gaussian(QuantileSketches.EXACT_VALUES, 1);
        QuantileSketches a = QuantileSketches.create(1, 200);
        QuantileSketches b = QuantileSketches.create(1, 200);
        for (double v : values) {
            a.update(0, v);
            b.update(0, v);
        }
        for (double rank : new double[] {0.05, 0.5, 0.95, 1.0}) {
            assertThat(a.quantile(0, rank)).as("rank " + rank).isEqualTo(nearestRank(values, rank));
        }
        assertThat(a.isExact(0)).isTrue();
        assertThat(a.rankError(0)).isZero();
        // Past 200 values a KLL sketch would already have compacted at random: two runs would differ.
        assertThat(a.quantile(0, 0.95)).isEqualTo(b.quantile(0, 0.95));
    }

    @Test
    void mergingTwoHalvesIsTheSameAsOneWindowAndNullsDoNotCount() {
        double[] values = gaussian(600, 2);
        QuantileSketches whole = QuantileSketches.create(1, 200);
        QuantileSketches first = QuantileSketches.create(1, 200);
        QuantileSketches second = QuantileSketches.create(1, 200);
        for (int i = 0; i < values.length; i++) {
            whole.update(0, values[i]);
            (i < 300 ? first : second).update(0, values[i]);
        }
        first.update(0, Double.NaN);
        first.merge(second);
        assertThat(first.count(0)).isEqualTo(600);
        assertThat(first.quantile(0, 0.5)).isEqualTo(whole.quantile(0, 0.5)).isEqualTo(nearestRank(values, 0.5));
    }

    @Test
    void wideningKeepsEveryColumnAndAddsEmptyOnes() {
        double[] exact = gaussian(100, 4);
        double[] sketched = gaussian(5_000, 5);
        QuantileSketches q = QuantileSketches.create(2, 200);
        Arrays.stream(exact).forEach(v -> q.update(0, v));
        Arrays.stream(sketched).forEach(v -> q.update(1, v));
        double sketchedMedian = q.quantile(1, 0.5);

        QuantileSketches wide = q.widened(4);
        assertThat(wide.size()).isEqualTo(4);
        assertThat(wide.quantile(0, 0.5)).isEqualTo(nearestRank(exact, 0.5));
        assertThat(wide.count(1)).isEqualTo(sketched.length);
        assertThat(wide.quantile(1, 0.5)).isEqualTo(sketchedMedian);
        assertThat(wide.count(2)).isZero();
        wide.update(3, 7.0);
        wide.update(3, 8.0);
        assertThat(wide.count(3)).isEqualTo(2);
        assertThat(wide.quantile(3, 1.0)).isEqualTo(8.0);
        assertThat(wide.count(2)).as("the new columns share no storage").isZero();
    }

    @Test
    void beyondTheLimitASketchTakesOverWithinItsRankError() {
        double[] values = gaussian(20_000, 3);
        QuantileSketches q = QuantileSketches.create(1, 200);
        for (double v : values) {
            q.update(0, v);
        }
        assertThat(q.count(0)).isEqualTo(20_000);
        assertThat(q.isExact(0)).isFalse();
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double p95 = q.quantile(0, 0.95);
        int rank = Arrays.binarySearch(sorted, p95);
        assertThat(Math.abs(rank / 20_000.0 - 0.95)).isLessThan(3 * q.rankError(0));
    }

    @Test
    void bothFormsRoundTripAndOldSketchOnlyStateStillReads() throws Exception {
        QuantileSketches q = QuantileSketches.create(2, 200);
        double[] small = gaussian(300, 4);
        double[] large = gaussian(5_000, 5);
        for (double v : small) {
            q.update(0, v);
        }
        for (double v : large) {
            q.update(1, v);
        }
        DataOutputSerializer out = new DataOutputSerializer(64);
        QuantileSketchesSerializer.INSTANCE.serialize(q, out);
        QuantileSketches back =
                QuantileSketchesSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back.count(0)).isEqualTo(300);
        assertThat(back.quantile(0, 0.5)).isEqualTo(nearestRank(small, 0.5));
        assertThat(back.count(1)).isEqualTo(5_000);
        assertThat(back.quantile(1, 0.5)).isEqualTo(q.quantile(1, 0.5));
        // (DataOutputSerializer does not grow for a copy from a stream: give it room.)
        DataOutputSerializer copied = new DataOutputSerializer(out.length());
        QuantileSketchesSerializer.INSTANCE.copy(new DataInputDeserializer(out.getCopyOfBuffer()), copied);
        assertThat(copied.getCopyOfBuffer()).isEqualTo(out.getCopyOfBuffer());

        // Release 0.1.0 wrote every parameter as a KLL sketch: its count, then each sketch's byte length and bytes.
        KllDoublesSketch old = KllDoublesSketch.newHeapInstance(200);
        for (double v : small) {
            old.update(v);
        }
        byte[] bytes = old.toByteArray();
        DataOutputSerializer legacy = new DataOutputSerializer(64);
        legacy.writeInt(1);
        legacy.writeInt(bytes.length);
        legacy.write(bytes);
        QuantileSketches restored =
                QuantileSketchesSerializer.INSTANCE.deserialize(new DataInputDeserializer(legacy.getCopyOfBuffer()));
        assertThat(restored.count(0)).isEqualTo(300);
        assertThat(restored.quantile(0, 0.5)).isEqualTo(old.getQuantile(0.5));
        restored.update(0, 1e9);
        assertThat(restored.count(0))
                .as("a restored sketch keeps growing as a sketch")
                .isEqualTo(301);
    }
}
