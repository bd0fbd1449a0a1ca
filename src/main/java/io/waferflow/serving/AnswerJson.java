package io.waferflow.serving;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.waferflow.stores.online.OnlineKeys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Writes the answer to a feature request: per entity, in request order, the values, a {@link FeatureStatus} per
 * feature, and the row's window and revision.
 *
 * <pre>
 * {"feature_group": "wafer_aggregates", "version": "v1", "results": [
 *   {"entity": "W0001", "values": {"yield_pct": 93.5, ...}, "statuses": {"yield_pct": "PRESENT", ...},
 *    "window_start": 1764720000000, "window_end": 1764720300000, "revision": 0, "feature_version": "v1"}]}
 * </pre>
 */
final class AnswerJson {

    private static final JsonFactory JSON = new JsonFactory();

    private AnswerJson() {}

    static byte[] write(ServedGroup group, FeatureRequest request, FeatureLookup.Rows rows, long nowMillis) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(
                256 + request.entities().size() * 64 * request.features().size());
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("feature_group", group.name());
            g.writeStringField("version", rows.version());
            g.writeArrayFieldStart("results");
            List<String> entities = request.entities();
            for (int i = 0; i < entities.size(); i++) {
                Map<String, String> row =
                        rows.unavailable() ? null : rows.rows().get(i);
                entity(g, entities.get(i), row, request, nowMillis);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /** {@code row}: the stored hash (empty: none); null: Redis was unreachable. */
    private static void entity(
            JsonGenerator g, String entity, Map<String, String> row, FeatureRequest request, long nowMillis)
            throws IOException {
        boolean found = row != null && !row.isEmpty();
        boolean stale = found && isStale(row, request, nowMillis);
        g.writeStartObject();
        g.writeStringField("entity", entity);
        // Statuses first, values after: both are needed per feature, so they are computed once into this array.
        List<String> features = request.features();
        FeatureStatus[] statuses = new FeatureStatus[features.size()];
        g.writeObjectFieldStart("values");
        for (int f = 0; f < features.size(); f++) {
            String feature = features.get(f);
            String stored = found ? row.get(feature) : null;
            FeatureStatus status = status(row, found, stale, stored);
            Double fallback = request.defaults().get(feature);
            g.writeFieldName(feature);
            if (fallback != null && status != FeatureStatus.PRESENT) {
                status = FeatureStatus.DEFAULT;
                g.writeNumber(fallback);
            } else if (status == FeatureStatus.PRESENT || status == FeatureStatus.STALE) {
                if (!writeNumber(g, stored)) {
                    status = FeatureStatus.NULL;
                }
            } else {
                g.writeNull();
            }
            statuses[f] = status;
        }
        g.writeEndObject();
        g.writeObjectFieldStart("statuses");
        for (int f = 0; f < features.size(); f++) {
            g.writeStringField(features.get(f), statuses[f].name());
        }
        g.writeEndObject();
        metadata(g, found ? row : Map.of());
        g.writeEndObject();
    }

    private static FeatureStatus status(Map<String, String> row, boolean found, boolean stale, String stored) {
        if (row == null) {
            return FeatureStatus.UNAVAILABLE;
        }
        if (!found || stored == null) {
            return FeatureStatus.NOT_FOUND;
        }
        if (stored.equals(OnlineKeys.NULL)) {
            return FeatureStatus.NULL;
        }
        return stale ? FeatureStatus.STALE : FeatureStatus.PRESENT;
    }

    /** A row whose window ended longer ago than max_age; one without a readable window end cannot prove it is fresh. */
    private static boolean isStale(Map<String, String> row, FeatureRequest request, long nowMillis) {
        if (request.maxAge() == null) {
            return false;
        }
        Long windowEnd = asLong(row.get(OnlineKeys.WINDOW_END));
        return windowEnd == null || nowMillis - windowEnd > request.maxAge().toMillis();
    }

    private static void metadata(JsonGenerator g, Map<String, String> row) throws IOException {
        longField(g, OnlineKeys.WINDOW_START, row.get(OnlineKeys.WINDOW_START));
        longField(g, OnlineKeys.WINDOW_END, row.get(OnlineKeys.WINDOW_END));
        longField(g, OnlineKeys.REVISION, row.get(OnlineKeys.REVISION));
        String version = row.get(OnlineKeys.FEATURE_VERSION);
        if (version == null) {
            g.writeNullField(OnlineKeys.FEATURE_VERSION);
        } else {
            g.writeStringField(OnlineKeys.FEATURE_VERSION, version);
        }
    }

    private static void longField(JsonGenerator g, String name, String text) throws IOException {
        Long v = asLong(text);
        g.writeFieldName(name);
        if (v == null) {
            g.writeNull();
        } else {
            g.writeNumber(v);
        }
    }

    /**
     * A stored value as a JSON number: whole numbers stay whole ({@code device_count}). False (and nothing written) for
     * a value that is not a finite number, which the caller then reports as null.
     */
    private static boolean writeNumber(JsonGenerator g, String text) throws IOException {
        Long whole = asLong(text);
        if (whole != null) {
            g.writeNumber(whole);
            return true;
        }
        double v;
        try {
            v = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        if (Double.isFinite(v)) {
            g.writeNumber(v);
        } else {
            g.writeNull();
            return false;
        }
        return true;
    }

    private static Long asLong(String text) {
        if (text == null || text.isEmpty() || text.length() > 18) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9') && !(i == 0 && c == '-' && text.length() > 1)) {
                return null;
            }
        }
        return Long.parseLong(text);
    }
}
