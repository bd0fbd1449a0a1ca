package io.waferflow.config;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The input record contract (SPEC 2.1): the fixed identity and outcome fields plus any number of parametric tests,
 * in declaration order. Parameter index {@code i} is the same everywhere: in records, accumulators and feature rows.
 */
public final class InputSchema implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final String EVENT_TIME = "event_time";
    public static final String LOT_ID = "lot_id";
    public static final String WAFER_ID = "wafer_id";
    public static final String DEVICE_ID = "device_id";
    public static final String DIE_X = "die_x";
    public static final String DIE_Y = "die_y";
    public static final String TEST_TIME_MS = "test_time_ms";
    public static final String PASS_FAIL = "pass_fail";
    public static final String HARD_BIN = "hard_bin";
    public static final String SOFT_BIN = "soft_bin";
    public static final String TESTER_ID = "tester_id";

    /** Fields every schema must declare, with the type the pipeline relies on. */
    private static final Map<String, FieldType> CORE_FIELDS = new LinkedHashMap<>();

    static {
        CORE_FIELDS.put(EVENT_TIME, FieldType.TIMESTAMP);
        CORE_FIELDS.put(LOT_ID, FieldType.STRING);
        CORE_FIELDS.put(WAFER_ID, FieldType.STRING);
        CORE_FIELDS.put(DEVICE_ID, FieldType.STRING);
        CORE_FIELDS.put(DIE_X, FieldType.INT);
        CORE_FIELDS.put(DIE_Y, FieldType.INT);
        CORE_FIELDS.put(TEST_TIME_MS, FieldType.FLOAT);
        CORE_FIELDS.put(PASS_FAIL, FieldType.INT);
        CORE_FIELDS.put(HARD_BIN, FieldType.INT);
        CORE_FIELDS.put(SOFT_BIN, FieldType.INT);
        CORE_FIELDS.put(TESTER_ID, FieldType.STRING);
    }

    /** Identity fields that the pipeline cannot work without, whatever the YAML says. */
    private static final List<String> ALWAYS_REQUIRED =
            List.of(EVENT_TIME, LOT_ID, WAFER_ID, DEVICE_ID, DIE_X, DIE_Y, PASS_FAIL, TEST_TIME_MS);

    private final List<FieldSpec> fields;
    private final List<FieldSpec> parameters;

    public InputSchema(List<FieldSpec> fields) {
        this.fields = Collections.unmodifiableList(new ArrayList<>(fields));
        List<FieldSpec> params = new ArrayList<>();
        for (FieldSpec f : fields) {
            if (f.parameter()) {
                params.add(f);
            }
        }
        this.parameters = Collections.unmodifiableList(params);
    }

    static InputSchema from(RawConfig raw) {
        List<String> names = raw.children("schema.fields");
        if (names.isEmpty()) {
            throw new ConfigException("schema.fields", "declares no fields",
                    "copy the schema section of jobs/features.yaml");
        }
        List<FieldSpec> fields = new ArrayList<>();
        for (String name : names) {
            fields.add(FieldSpec.from(raw, name));
        }
        InputSchema schema = new InputSchema(fields);
        schema.checkCoreFields();
        return schema;
    }

    private void checkCoreFields() {
        for (Map.Entry<String, FieldType> core : CORE_FIELDS.entrySet()) {
            String key = "schema.fields." + core.getKey();
            FieldSpec f = field(core.getKey());
            if (f == null) {
                throw new ConfigException(key, "is not declared", "declare it with type " + core.getValue().name().toLowerCase());
            }
            if (f.type() != core.getValue()) {
                throw new ConfigException(key + ".type", "is " + f.type() + " but the pipeline needs " + core.getValue(),
                        "set it to " + core.getValue().name().toLowerCase());
            }
            if (ALWAYS_REQUIRED.contains(f.name()) && (!f.required() || f.nullable())) {
                throw new ConfigException(key + ".required", "must be required and not nullable",
                        "set required: true and remove nullable");
            }
            if (f.parameter()) {
                throw new ConfigException(key + ".parameter", "an identity field cannot be a parametric test",
                        "remove parameter: true");
            }
        }
        if (parameters.isEmpty()) {
            throw new ConfigException("schema.fields", "declares no parametric test",
                    "mark at least one numeric field with parameter: true");
        }
    }

    public List<FieldSpec> fields() {
        return fields;
    }

    public List<FieldSpec> parameters() {
        return parameters;
    }

    public int parameterCount() {
        return parameters.size();
    }

    public List<String> parameterNames() {
        List<String> names = new ArrayList<>(parameters.size());
        for (FieldSpec p : parameters) {
            names.add(p.name());
        }
        return names;
    }

    public FieldSpec field(String name) {
        for (FieldSpec f : fields) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        return null;
    }

    /** The default schema of SPEC 2.1, as shipped in jobs/features.yaml. */
    public static boolean isCoreField(String name) {
        return CORE_FIELDS.containsKey(name);
    }
}
