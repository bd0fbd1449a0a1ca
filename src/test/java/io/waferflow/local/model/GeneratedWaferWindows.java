package io.waferflow.local.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waferflow.local.WaferTrafficGenerator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The generator's records summed up per wafer and 5-minute window in plain Java, independently of the feature job: mean
 * Vdd, Idd and frequency of the well-formed records, the share outside the schema's ranges, and the yield.
 */
final class GeneratedWaferWindows {

    static final long WINDOW_MS = 5 * 60_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One wafer window; {@code waferSeq} is the wafer's sequence number on its tester (0 first). */
    record Window(
            String waferId,
            int waferSeq,
            long windowEnd,
            int devices,
            double vddMean,
            double iddMean,
            double frequencyMean,
            double avgTestTimeMs,
            double flaggedShare,
            double yieldPct) {

        double[] inputs() {
            return new double[] {vddMean, iddMean, frequencyMean, avgTestTimeMs};
        }
    }

    private static final class Sums {
        int devices;
        int passed;
        int flagged;
        double vdd;
        double idd;
        double frequency;
        double testTime;
    }

    private GeneratedWaferWindows() {}

    /** Windows of every wafer of the first {@code wafersPerTester} wafers per tester. */
    static List<Window> generate(WaferTrafficGenerator.Settings settings, int wafersPerTester) throws IOException {
        WaferTrafficGenerator generator = new WaferTrafficGenerator(settings);
        Map<String, Sums> sums = new LinkedHashMap<>();
        int diesToGenerate = settings.testers * wafersPerTester * generator.diesPerWafer();
        int dies = 0;
        while (dies < diesToGenerate) {
            byte[] payload = generator.next();
            JsonNode r;
            try {
                r = JSON.readTree(payload);
            } catch (IOException malformed) {
                continue;
            }
            if (!r.isObject()
                    || !r.path("vdd").isNumber()
                    || !r.path("idd").isNumber()
                    || !r.path("frequency").isNumber()
                    || !r.path("event_time").isTextual()) {
                continue; // what the job quarantines
            }
            dies++;
            long t = java.time.Instant.parse(r.get("event_time").asText()).toEpochMilli();
            long end = t - Math.floorMod(t, WINDOW_MS) + WINDOW_MS;
            String wafer = r.get("wafer_id").asText();
            Sums s = sums.computeIfAbsent(wafer + "@" + end, k -> new Sums());
            double vdd = r.get("vdd").asDouble();
            s.devices++;
            s.passed += r.get("pass_fail").asInt();
            s.flagged += vdd < 1.0 || vdd > 1.4 ? 1 : 0;
            s.vdd += vdd;
            s.idd += r.get("idd").asDouble();
            s.frequency += r.get("frequency").asDouble();
            s.testTime += r.get("test_time_ms").asDouble();
        }
        List<Window> windows = new ArrayList<>();
        sums.forEach((key, s) -> {
            String wafer = key.substring(0, key.indexOf('@'));
            String[] parts = wafer.split("-");
            int seq = Integer.parseInt(parts[1]) * 25 + Integer.parseInt(parts[2]) - 1;
            windows.add(new Window(
                    wafer,
                    seq,
                    Long.parseLong(key.substring(key.indexOf('@') + 1)),
                    s.devices,
                    s.vdd / s.devices,
                    s.idd / s.devices,
                    s.frequency / s.devices,
                    s.testTime / s.devices,
                    (double) s.flagged / s.devices,
                    100.0 * s.passed / s.devices));
        });
        return windows;
    }
}
