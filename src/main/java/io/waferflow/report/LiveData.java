package io.waferflow.report;

import io.waferflow.alerts.Alert;
import io.waferflow.drift.DriftMetric;
import java.util.List;
import java.util.Map;

/**
 * What the live page ({@code serve}'s {@code /ui}) shows at one moment, read by the server beforehand: the report
 * package draws, it reads no store.
 *
 * @param wafers the latest wafers, newest window first, each with its online row and its map where dies are known
 * @param parameters the parametric tests, in schema order: one drift status each
 * @param drift per parameter, its latest drift metric as Redis holds it; absent when no drift window closed yet
 * @param alerts the alerts firing now, worst first; null when the server does not read alerts (see {@code notes})
 * @param notes what could not be shown and why
 */
public record LiveData(
        String group,
        String version,
        long generatedAt,
        List<Wafer> wafers,
        List<String> parameters,
        Map<String, DriftMetric> drift,
        List<Alert> alerts,
        List<String> notes) {

    /**
     * One wafer: its online row (the latest window's yield and neighbour yield) and its map.
     *
     * @param map each tested die's latest test as far as the raw archive holds it; null when no die is known yet
     */
    public record Wafer(
            String waferId,
            String lotId,
            long windowStart,
            long windowEnd,
            long deviceCount,
            double yieldPct,
            double neighbourYield,
            WaferMap map) {}
}
