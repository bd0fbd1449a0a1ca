package io.waferflow.stores.offline;

import io.waferflow.features.WaferFeatures;
import io.waferflow.model.FeatureColumns;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * The offline feature row: entity, window bounds, every feature column, and the versions that produced it (SPEC 2.2).
 * One row per (wafer, window). {@link #read} is the way back, for tools that serve the offline rows again.
 */
public final class FeatureRowAvro implements AvroRowConverter<WaferFeatures> {

    private static final long serialVersionUID = 1L;

    public static final String WAFER_ID = "wafer_id";
    public static final String LOT_ID = "lot_id";
    public static final String WINDOW_START = "window_start";
    public static final String WINDOW_END = "window_end";
    public static final String REVISION = "revision";
    public static final String FEATURE_GROUP = "feature_group";
    public static final String FEATURE_VERSION = "feature_version";
    public static final String JOB_VERSION = "job_version";
    /**
     * When the row was handed to the Parquet writer (processing time, epoch millis); its file commits at the next
     * checkpoint. Null in files written before the column existed, which therefore still read: the column is optional.
     */
    public static final String WRITTEN_AT = "written_at";

    private final FeatureColumns columns;
    private final String featureGroup;
    private final String featureVersion;
    private final String jobVersion;

    public FeatureRowAvro(FeatureColumns columns, String featureGroup, String featureVersion, String jobVersion) {
        this.columns = columns;
        this.featureGroup = featureGroup;
        this.featureVersion = featureVersion;
        this.jobVersion = jobVersion;
    }

    public Schema schema() {
        SchemaBuilder.FieldAssembler<Schema> f = SchemaBuilder.record(featureGroup)
                .namespace("io.waferflow.offline")
                .fields()
                .requiredString(WAFER_ID)
                .requiredString(LOT_ID)
                .name(WINDOW_START)
                .type(AvroFields.timestampMillis())
                .noDefault()
                .name(WINDOW_END)
                .type(AvroFields.timestampMillis())
                .noDefault()
                .requiredInt(REVISION)
                .requiredLong(FeatureColumns.DEVICE_COUNT);
        for (int c = 1; c < columns.size(); c++) {
            f = f.name(columns.names().get(c)).type(AvroFields.nullableDouble()).withDefault(null);
        }
        return f.requiredString(FEATURE_GROUP)
                .requiredString(FEATURE_VERSION)
                .requiredString(JOB_VERSION)
                .name(WRITTEN_AT)
                .type(AvroFields.nullable(AvroFields.timestampMillis()))
                .withDefault(null)
                .endRecord();
    }

    @Override
    public GenericRecord convert(WaferFeatures row, Schema schema) {
        GenericRecord r = new GenericData.Record(schema);
        r.put(WAFER_ID, row.waferId);
        r.put(LOT_ID, row.lotId);
        r.put(WINDOW_START, row.windowStart);
        r.put(WINDOW_END, row.windowEnd);
        r.put(REVISION, row.revision);
        r.put(FeatureColumns.DEVICE_COUNT, row.deviceCount);
        for (int c = 1; c < columns.size(); c++) {
            r.put(columns.names().get(c), AvroFields.nullIfNaN(columns.value(row, c)));
        }
        r.put(FEATURE_GROUP, featureGroup);
        r.put(FEATURE_VERSION, featureVersion);
        r.put(JOB_VERSION, jobVersion);
        // Processing time: when this row became visible to readers (give or take the checkpoint that commits it).
        r.put(WRITTEN_AT, System.currentTimeMillis());
        return r;
    }

    /** The columns a reader of these rows needs that {@code fileSchema} (a Parquet file's own) lacks. */
    public List<String> missingIn(Schema fileSchema) {
        List<String> missing = new ArrayList<>();
        for (Schema.Field f : schema().getFields()) {
            // written_at is optional: files written before it existed lack it and are still read.
            if (fileSchema.getField(f.name()) == null && !f.name().equals(WRITTEN_AT)) {
                missing.add(f.name());
            }
        }
        return missing;
    }

    /**
     * A row {@link #convert} wrote, back as the job's record (null features as NaN, as the job holds them), with the
     * job version that computed it. Read with the file's own schema ({@link #missingIn} checked first).
     */
    public OfflineFeatureRow read(GenericRecord r) {
        WaferFeatures f = columns.newRow();
        f.waferId = r.get(WAFER_ID).toString();
        f.lotId = r.get(LOT_ID).toString();
        f.windowStart = ((Number) r.get(WINDOW_START)).longValue();
        f.windowEnd = ((Number) r.get(WINDOW_END)).longValue();
        f.revision = ((Number) r.get(REVISION)).intValue();
        for (int c = 0; c < columns.size(); c++) {
            Object v = r.get(columns.names().get(c));
            columns.set(f, c, v == null ? Double.NaN : ((Number) v).doubleValue());
        }
        // device_count is a long column: taken as it is, not through a double.
        f.deviceCount = ((Number) r.get(FeatureColumns.DEVICE_COUNT)).longValue();
        return new OfflineFeatureRow(f, r.get(JOB_VERSION).toString());
    }
}
