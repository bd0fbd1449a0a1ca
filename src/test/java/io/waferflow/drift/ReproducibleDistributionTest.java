package io.waferflow.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.sketch.QuantileSketches;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * Issue 19 parts 1 and 2: drift distributions are exact up to {@link Distribution#EXACT_VALUES} values (ε = 0, the
 * statistics equal a direct computation), and beyond it the same values in the same order give the same sketch, p50,
 * p95 and PSI in every run, also when the state goes through Flink's serializer (a restore) half way.
 */
class ReproducibleDistributionTest {

    private static final int K = 200;
    private static final int WINDOW = 250;

    private static final TypeSerializer<Distribution> SERIALIZER =
            TypeInformation.of(Distribution.class).createSerializer(new SerializerConfigImpl());

    @Test
    void sameValuesTwiceGiveTheSameSketchQuantilesAndPsiBeyondTheExactBound() throws IOException {
        double[] baselineValues = normal(1, 6000, 0);
        double[] currentValues = normal(2, 5000, 0.3);

        Distribution baselineA = streamed(baselineValues, false);
        noise(); // other sketches compacting in the same JVM in between (what moved the old shared coins)
        Distribution baselineB = streamed(baselineValues, true);
        Distribution currentA = streamed(currentValues, false);
        noise();
        Distribution currentB = streamed(currentValues, true);

        assertThat(baselineA.n).isEqualTo(6000);
        assertThat(baselineA.isExact()).isFalse();
        assertThat(baselineB.sketch).isEqualTo(baselineA.sketch);
        assertThat(currentB.sketch).isEqualTo(currentA.sketch);
        KllDoublesSketch a = baselineA.kll(K);
        KllDoublesSketch b = baselineB.kll(K);
        assertThat(b.getQuantiles(new double[] {0.5, 0.95})).containsExactly(a.getQuantiles(new double[] {0.5, 0.95}));
        double psiA = DriftStatistics.psi(StepCdf.of(baselineA, K), StepCdf.of(currentA, K));
        double psiB = DriftStatistics.psi(StepCdf.of(baselineB, K), StepCdf.of(currentB, K));
        assertThat(psiB).isEqualTo(psiA);
    }

    @Test
    void windowQuantilesBeyondTheBoundAreTheSameAfterARestoreHalfWay() throws IOException {
        double[] values = normal(3, 5000, 0);
        QuantileSketches once = QuantileSketches.create(1, K);
        for (double v : values) {
            once.update(0, v);
        }
        noise();
        QuantileSketches restored = QuantileSketches.create(1, K);
        for (int i = 0; i < values.length; i++) {
            if (i == 2500) {
                restored = roundTrip(restored);
                noise();
            }
            restored.update(0, values[i]);
        }
        assertThat(once.isExact(0)).isFalse();
        assertThat(restored.quantiles(0, 0.5, 0.95)).containsExactly(once.quantiles(0, 0.5, 0.95));
        assertThat(restored.toSketch(0).toByteArray())
                .isEqualTo(once.toSketch(0).toByteArray());
    }

    @Test
    void upToTheBoundDistributionsAreExactAndTheStatisticsEqualADirectComputation() throws IOException {
        double[] baselineValues = normal(4, Distribution.EXACT_VALUES, 0);
        double[] currentValues = normal(5, 700, 0.2);
        Distribution baseline = streamed(baselineValues, true);
        Distribution current = streamed(currentValues, false);

        StepCdf b = StepCdf.of(baseline, K);
        StepCdf c = StepCdf.of(current, K);
        assertThat(baseline.isExact()).isTrue();
        assertThat(b.rankError()).isZero();
        assertThat(c.rankError()).isZero();
        assertThat(StepCdf.ksDistance(b, c)).isEqualTo(directKs(baselineValues, currentValues));
        assertThat(DriftStatistics.psi(b, c))
                .isEqualTo(DriftStatistics.psi(StepCdf.exact(baselineValues), StepCdf.exact(currentValues)));
        double[] sorted = baselineValues.clone();
        Arrays.sort(sorted);
        assertThat(baseline.kll(K).getQuantile(0.95)).isEqualTo(sorted[(int) Math.ceil(0.95 * sorted.length) - 1]);
    }

    @Test
    void oneValuePastTheBoundSwitchesToTheConfiguredSketch() {
        Distribution d = Distribution.ofValues(normal(6, Distribution.EXACT_VALUES + 1, 0), K);
        assertThat(d.isExact()).isFalse();
        assertThat(d.kll(K).getK()).isEqualTo(K);
        assertThat(Distribution.EXACT_VALUES).isEqualTo(QuantileSketches.EXACT_VALUES);
        assertThat(Distribution.ofValues(normal(6, Distribution.EXACT_VALUES, 0), K).sketch.length)
                .as("bytes at the bound")
                .isLessThan(8_400);
    }

    /** As the drift detector builds it: wafer windows of {@link #WINDOW} values merged in order. */
    private static Distribution streamed(double[] values, boolean restoreHalfWay) throws IOException {
        Distribution d = new Distribution();
        for (int from = 0; from < values.length; from += WINDOW) {
            if (restoreHalfWay && from == values.length / WINDOW / 2 * WINDOW) {
                d = roundTrip(d);
            }
            QuantileSketches window = QuantileSketches.create(1, K);
            double mean = 0;
            double m2 = 0;
            int n = 0;
            for (int i = from; i < Math.min(values.length, from + WINDOW); i++) {
                window.update(0, values[i]);
                n++;
                double delta = values[i] - mean;
                mean += delta / n;
                m2 += delta * (values[i] - mean);
            }
            d = d.merge(Distribution.of(window.toSketch(0), n, mean, m2), K);
        }
        return d;
    }

    private static Distribution roundTrip(Distribution d) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(1024);
        SERIALIZER.serialize(d, out);
        return SERIALIZER.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    private static QuantileSketches roundTrip(QuantileSketches q) throws IOException {
        TypeSerializer<QuantileSketches> s =
                TypeInformation.of(QuantileSketches.class).createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(1024);
        s.serialize(q, out);
        return s.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    /** Unrelated sketch work of a varying amount, as other keys and operators in the same JVM do. */
    private static void noise() {
        Distribution.ofValues(normal(System.nanoTime(), 3000 + (int) (System.nanoTime() % 997), 0), K);
    }

    private static double[] normal(long seed, int n, double shift) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = shift + r.nextGaussian();
        }
        return v;
    }

    /** sup |F − G| over every value, counting directly. */
    private static double directKs(double[] x, double[] y) {
        double d = 0;
        for (double[] points : new double[][] {x, y}) {
            for (double p : points) {
                double fx = Arrays.stream(x).filter(v -> v <= p).count() / (double) x.length;
                double gy = Arrays.stream(y).filter(v -> v <= p).count() / (double) y.length;
                d = Math.max(d, Math.abs(fx - gy));
            }
        }
        return d;
    }
}
