package io.waferflow.stores.materialize;

import io.waferflow.features.WaferFeatures;
import io.waferflow.stores.offline.OfflineFeatureRow;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Each entity's newest final offline row: the latest window end, then the highest revision (the offline store holds one
 * row per window, so a tie on both is the same window read twice). What the online store holds of a wafer when nothing
 * was lost: the job writes a wafer's windows in event-time order and never an older one over a newer one.
 */
final class NewestRows {

    private final Map<String, OfflineFeatureRow> byEntity = new HashMap<>();
    private long rowsRead;

    void add(OfflineFeatureRow row) {
        rowsRead++;
        byEntity.merge(row.features().waferId, row, (held, read) -> newer(read, held) ? read : held);
    }

    private static boolean newer(OfflineFeatureRow a, OfflineFeatureRow b) {
        WaferFeatures x = a.features();
        WaferFeatures y = b.features();
        return x.windowEnd != y.windowEnd ? x.windowEnd > y.windowEnd : x.revision > y.revision;
    }

    long rowsRead() {
        return rowsRead;
    }

    Collection<OfflineFeatureRow> rows() {
        return byEntity.values();
    }
}
