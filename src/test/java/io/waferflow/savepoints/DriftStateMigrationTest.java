package io.waferflow.savepoints;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.drift.Distribution;
import io.waferflow.model.WaferParameterWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code savepoint migrate}'s transformation of one feature's drift state: the wafer windows waiting to be merged
 * (issue 19) are renamed with their feature and re-sketched like the open drift windows, their values and moments kept.
 */
class DriftStateMigrationTest {

    @Test
    void pendingWaferWindowsAreRenamedAndResketched() {
        Random random = new Random(3);
        double[] values = new double[3000];
        for (int i = 0; i < values.length; i++) {
            values[i] = 25 + random.nextGaussian();
        }
        WaferParameterWindow w = new WaferParameterWindow();
        w.feature = "temperature";
        w.waferId = "W1";
        w.lotId = "L1";
        w.windowStart = 0;
        w.windowEnd = 60_000;
        w.distribution = Distribution.ofValues(values, 1536);
        DriftStateMigration.FeatureState s = new DriftStateMigration.FeatureState();
        s.feature = "temperature";
        s.pendingWaferWindows.put(w.windowEnd - 1 + 30_000, new ArrayList<>(List.of(w)));

        DriftStateMigration.FeatureState t = DriftStateMigration.transform(s, Map.of("temperature", "temp_c"), 100);

        assertThat(t.feature).isEqualTo("temp_c");
        WaferParameterWindow moved = t.pendingWaferWindows.get(89_999L).get(0);
        assertThat(moved.feature).isEqualTo("temp_c");
        assertThat(moved.distribution.kll(100).getK()).isEqualTo(100);
        assertThat(moved.distribution.n).isEqualTo(3000);
        assertThat(moved.distribution.mean).isEqualTo(Distribution.ofValues(values, 1536).mean);
    }
}
