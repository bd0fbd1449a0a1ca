package io.waferflow.serving;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.waferflow.stores.online.OnlineKeys;
import io.waferflow.stores.online.PackedFeatures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Writes the answer to a feature request: per entity, in request order, the values, a {@link FeatureStatus} per
 * feature, and the row's window and revision.
 *
 * <pre>
 * {"feature_group": "wafer_aggregates", "version": "v1", "results": [
 *   {"entity": "W0001", "values": {"yield_pct": 93.5, ...}, "statuses": {"yield_pct": "PRESENT", ...},
 *    "window_start": 1764720000000, "window_end": 1764720300000, "revision": 0, "feature_version": "v1"}]}
 * </pre>
 *
 * Stored values are written as they are stored (the job writes Java's shortest round-trip form), after a check that
 * they are JSON numbers: parsing and reformatting every double took about half of a 100-wafer answer's time.
 */
final class AnswerJson {

    private static final JsonFactory JSON = new JsonFactory();
    private static final SerializedString[] STATUS = new SerializedString[FeatureStatus.values().length];

    static {
        for (FeatureStatus s : FeatureStatus.values()) {
            STATUS[s.ordinal()] = new SerializedString(s.name());
        }
    }

    private AnswerJson() {}

    static byte[] write(ServedGroup group, FeatureRequest request, FeatureLookup.Rows rows, long nowMillis) {
        List<String> features = request.features();
        int[] positions = new int[features.size()];
        Double[] defaults = new Double[features.size()];
        for (int f = 0; f < positions.length; f++) {
            positions[f] = group.position(features.get(f));
            defaults[f] = request.defaults().get(features.get(f));
        }
        int windowEnd = group.metadataPosition(OnlineKeys.WINDOW_END);
        ByteArrayOutputStream out =
                new ByteArrayOutputStream(256 + request.entities().size() * 48 * positions.length);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("feature_group", group.name());
            g.writeStringField("version", rows.version());
            g.writeArrayFieldStart("results");
            List<String> entities = request.entities();
            FeatureStatus[] statuses = new FeatureStatus[positions.length];
            List<String> derived = request.derived();
            FeatureStatus[] derivedStatuses = new FeatureStatus[derived.size()];
            for (int i = 0; i < entities.size(); i++) {
                String[] row = rows.unavailable() ? null : rows.rows().get(i);
                boolean found = row != null && isRow(row);
                boolean stale = found && isStale(row[windowEnd], request, nowMillis);
                g.writeStartObject();
                g.writeStringField("entity", entities.get(i));
                g.writeObjectFieldStart("values");
                for (int f = 0; f < positions.length; f++) {
                    String stored = found ? row[positions[f]] : null;
                    FeatureStatus status = status(row, found, stale, stored);
                    g.writeFieldName(group.jsonName(positions[f]));
                    if (defaults[f] != null && status != FeatureStatus.PRESENT) {
                        status = FeatureStatus.DEFAULT;
                        g.writeNumber(defaults[f]);
                    } else if ((status == FeatureStatus.PRESENT || status == FeatureStatus.STALE)
                            && PackedFeatures.isJsonNumber(stored)) {
                        g.writeNumber(stored);
                    } else {
                        if (status == FeatureStatus.PRESENT || status == FeatureStatus.STALE) {
                            status = FeatureStatus.NULL; // not a number (the job never writes one): no value
                        }
                        g.writeNull();
                    }
                    statuses[f] = status;
                }
                for (int d = 0; d < derived.size(); d++) {
                    Double value = found ? rows.derived().evaluate(derived.get(d), storedIn(row, group)) : null;
                    derivedStatuses[d] = value == null
                            ? (row == null
                                    ? FeatureStatus.UNAVAILABLE
                                    : found ? FeatureStatus.NULL : FeatureStatus.NOT_FOUND)
                            : stale ? FeatureStatus.STALE : FeatureStatus.PRESENT;
                    g.writeFieldName(derived.get(d));
                    if (value == null) {
                        g.writeNull();
                    } else {
                        g.writeNumber(value);
                    }
                }
                g.writeEndObject();
                g.writeObjectFieldStart("statuses");
                for (int f = 0; f < positions.length; f++) {
                    g.writeFieldName(group.jsonName(positions[f]));
                    g.writeString(STATUS[statuses[f].ordinal()]);
                }
                for (int d = 0; d < derived.size(); d++) {
                    g.writeFieldName(derived.get(d));
                    g.writeString(STATUS[derivedStatuses[d].ordinal()]);
                }
                g.writeEndObject();
                metadata(g, group, found ? row : null);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /**
     * A stored feature of the row as a derived feature's input: its number, or null where it is null or absent. Derived
     * values are computed from the stored text, as {@code offline derive} computes them from the same doubles in
     * Parquet (the job writes each double's shortest round-trip form, so both read the same double).
     */
    private static java.util.function.Function<String, Double> storedIn(String[] row, ServedGroup group) {
        return feature -> {
            String stored = row[group.position(feature)];
            return stored == null || stored.isEmpty() || !PackedFeatures.isJsonNumber(stored)
                    ? null
                    : Double.valueOf(stored);
        };
    }

    /** A hash exists when any of the fields read is there (HMGET answers all nulls for a missing key). */
    private static boolean isRow(String[] row) {
        for (String v : row) {
            if (v != null) {
                return true;
            }
        }
        return false;
    }

    private static FeatureStatus status(String[] row, boolean found, boolean stale, String stored) {
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
    private static boolean isStale(String windowEnd, FeatureRequest request, long nowMillis) {
        if (request.maxAge() == null) {
            return false;
        }
        Long end = asLong(windowEnd);
        return end == null || nowMillis - end > request.maxAge().toMillis();
    }

    private static void metadata(JsonGenerator g, ServedGroup group, String[] row) throws IOException {
        longField(g, OnlineKeys.WINDOW_START, value(row, group, OnlineKeys.WINDOW_START));
        longField(g, OnlineKeys.WINDOW_END, value(row, group, OnlineKeys.WINDOW_END));
        longField(g, OnlineKeys.REVISION, value(row, group, OnlineKeys.REVISION));
        String version = value(row, group, OnlineKeys.FEATURE_VERSION);
        if (version == null) {
            g.writeNullField(OnlineKeys.FEATURE_VERSION);
        } else {
            g.writeStringField(OnlineKeys.FEATURE_VERSION, version);
        }
    }

    private static String value(String[] row, ServedGroup group, String field) {
        return row == null ? null : row[group.metadataPosition(field)];
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

    private static Long asLong(String text) {
        if (text == null || text.isEmpty() || text.length() > 18) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < '0' || c > '9') && !(i == 0 && c == '-' && text.length() > 1)) {
                return null;
            }
        }
        return Long.parseLong(text);
    }
}
