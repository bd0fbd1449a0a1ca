package io.waferflow.serving;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.waferflow.stores.online.OnlineKeys;
import java.io.IOException;
import java.io.OutputStream;
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

    /** Writes the answer into {@code out} (the server's buffer of the thread, reused: no copy of the answer). */
    static void write(
            ServedGroup group, FeatureRequest request, FeatureLookup.Rows rows, long nowMillis, OutputStream out) {
        List<String> features = request.features();
        int[] positions = new int[features.size()];
        Double[] defaults = new Double[features.size()];
        for (int f = 0; f < positions.length; f++) {
            positions[f] = group.position(features.get(f));
            defaults[f] = request.defaults().get(features.get(f));
        }
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
                StoredRow row = rows.unavailable() ? null : rows.rows().get(i);
                boolean found = row != null && row.found();
                boolean stale = found && isStale(row, request, nowMillis);
                g.writeStartObject();
                g.writeStringField("entity", entities.get(i));
                g.writeObjectFieldStart("values");
                for (int f = 0; f < positions.length; f++) {
                    StoredRow.Kind kind = found ? row.kind(positions[f]) : StoredRow.Kind.ABSENT;
                    FeatureStatus status = status(row, stale, kind);
                    g.writeFieldName(group.jsonName(positions[f]));
                    if (defaults[f] != null && status != FeatureStatus.PRESENT) {
                        status = FeatureStatus.DEFAULT;
                        g.writeNumber(defaults[f]);
                    } else if ((status == FeatureStatus.PRESENT || status == FeatureStatus.STALE)
                            && kind == StoredRow.Kind.NUMBER) {
                        g.writeRawValue(row.text(), row.start(positions[f]), row.length(positions[f]));
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
                metadata(g, found ? row : null);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
    }

    /**
     * A stored feature of the row as a derived feature's input: its number, or null where it is null, absent or not a
     * number. Derived values are computed from the stored text, as {@code offline derive} computes them from the same
     * doubles in Parquet (the job writes each double's shortest round-trip form, so both read the same double).
     */
    private static java.util.function.Function<String, Double> storedIn(StoredRow row, ServedGroup group) {
        return feature -> row.number(group.position(feature));
    }

    private static FeatureStatus status(StoredRow row, boolean stale, StoredRow.Kind kind) {
        if (row == null) {
            return FeatureStatus.UNAVAILABLE;
        }
        if (kind == StoredRow.Kind.ABSENT) {
            return FeatureStatus.NOT_FOUND;
        }
        if (kind == StoredRow.Kind.NULL) {
            return FeatureStatus.NULL;
        }
        return stale ? FeatureStatus.STALE : FeatureStatus.PRESENT;
    }

    /** A row whose window ended longer ago than max_age; one without a readable window end cannot prove it is fresh. */
    private static boolean isStale(StoredRow row, FeatureRequest request, long nowMillis) {
        if (request.maxAge() == null) {
            return false;
        }
        return !row.hasWindowEnd()
                || nowMillis - row.windowEnd() > request.maxAge().toMillis();
    }

    private static void metadata(JsonGenerator g, StoredRow row) throws IOException {
        longField(g, OnlineKeys.WINDOW_START, row != null && row.hasWindowStart(), row == null ? 0 : row.windowStart());
        longField(g, OnlineKeys.WINDOW_END, row != null && row.hasWindowEnd(), row == null ? 0 : row.windowEnd());
        longField(g, OnlineKeys.REVISION, row != null && row.hasRevision(), row == null ? 0 : row.revision());
        String version = row == null ? null : row.featureVersion();
        if (version == null) {
            g.writeNullField(OnlineKeys.FEATURE_VERSION);
        } else {
            g.writeStringField(OnlineKeys.FEATURE_VERSION, version);
        }
    }

    private static void longField(JsonGenerator g, String name, boolean present, long v) throws IOException {
        g.writeFieldName(name);
        if (present) {
            g.writeNumber(v);
        } else {
            g.writeNull();
        }
    }
}
