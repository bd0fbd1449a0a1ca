package io.waferflow.local.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YieldModelTest {

    private static YieldModel trained() {
        Random random = new Random(11);
        int n = 300;
        double[][] raw = new double[n][2];
        double[] yield = new double[n];
        for (int i = 0; i < n; i++) {
            raw[i][0] = 1.2 + 0.002 * random.nextGaussian(); // no bearing on yield
            raw[i][1] = 50 + 3 * random.nextGaussian();
            yield[i] = 90 - 1.0 * (raw[i][1] - 50) + random.nextGaussian();
        }
        return YieldModel.fit("yield_class", "1", List.of("vdd_mean", "idd_mean"), raw, yield, 90, 0.1, 1234L);
    }

    @Test
    void jsonRoundTripKeepsEveryFieldAndPrediction(@TempDir Path dir) throws Exception {
        YieldModel model = trained();
        Path file = dir.resolve("models/yield_class-1.json");
        model.write(file);
        YieldModel back = YieldModel.read(file);

        assertThat(back).usingRecursiveComparison().isEqualTo(model);
        double[] x = {1.21, 47.5};
        assertThat(back.predict(x)).isEqualTo(model.predict(x));
        assertThat(YieldModel.fromJson(model.toJson()).toJson()).isEqualTo(model.toJson());
        assertThat(model.toJson()).contains("\"threshold_yield_pct\"", "\"coefficients\"", "\"z_max\"");
    }

    /** Standardized, clipped to the training range, a missing input at the training mean: computed by hand here. */
    @Test
    void predictsOnStandardizedClippedInputs() {
        YieldModel m = trained();
        double[] b = m.coefficients();
        double[] far = {1.5, 30}; // Vdd 150 sigma up, Idd far below the training range
        double z0 = m.zMax()[0];
        double z1 = Math.max(m.zMin()[1], Math.min(m.zMax()[1], (30 - m.mean()[1]) / m.std()[1]));
        double expected = 1 / (1 + Math.exp(-(b[0] + b[1] * z0 + b[2] * z1)));
        assertThat(m.probabilityHigh(far)).isCloseTo(expected, within(1e-12));

        double[] missing = {Double.NaN, 50};
        double zIdd = (50 - m.mean()[1]) / m.std()[1];
        assertThat(m.probabilityHigh(missing)).isCloseTo(1 / (1 + Math.exp(-(b[0] + b[2] * zIdd))), within(1e-12));

        // Low current, high yield: high, with the probability of the class as its score.
        YieldModel.Scored s = m.predict(new double[] {1.2, 45});
        assertThat(s.yieldClass()).isEqualTo(YieldModel.HIGH);
        assertThat(s.score()).isGreaterThan(0.5).isEqualTo(m.probabilityHigh(new double[] {1.2, 45}));
        YieldModel.Scored low = m.predict(new double[] {1.2, 55});
        assertThat(low.yieldClass()).isEqualTo(YieldModel.LOW);
        assertThat(low.score()).isCloseTo(1 - m.probabilityHigh(new double[] {1.2, 55}), within(1e-12));
    }
}
