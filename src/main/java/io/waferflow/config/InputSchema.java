package io.waferflow.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The input record contract (SPEC 2.1, {@code schema.fields}): the fixed identity and outcome fields plus any number of
 * parametric tests, in declaration order. Parameter index {@code i} is the same everywhere: in records, accumulators
 * and feature rows.
 */
public record InputSchema(List<FieldSpec> fields) implements Serializable {

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

    public InputSchema {
        fields = List.copyOf(fields);
        for (Map.Entry<String, FieldType> core : CORE_FIELDS.entrySet()) {
            String key = "fields." + core.getKey();
            FieldSpec f = fields.stream()
                    .filter(s -> s.name().equals(core.getKey()))
                    .findFirst()
                    .orElse(null);
            if (f == null) {
                throw InvalidValue.at(
                        key,
                        "is not declared",
                        "declare it with type " + core.getValue().name().toLowerCase());
            }
            if (f.type() != core.getValue()) {
                throw InvalidValue.at(
                        key + ".type",
                        "is " + f.type() + " but the pipeline needs " + core.getValue(),
                        "set it to " + core.getValue().name().toLowerCase());
            }
            if (ALWAYS_REQUIRED.contains(f.name()) && (!f.required() || f.nullable())) {
                throw InvalidValue.at(
                        key + ".required",
                        "must be required and not nullable",
                        "set required: true and remove nullable");
            }
            if (f.parameter()) {
                throw InvalidValue.at(
                        key + ".parameter", "an identity field cannot be a parametric test", "remove parameter: true");
            }
        }
        if (fields.stream().noneMatch(FieldSpec::parameter)) {
            throw InvalidValue.at(
                    "fields", "declares no parametric test", "mark at least one numeric field with parameter: true");
        }
    }

    /** The fields as the YAML declares them: a map from name to rules, in document order. */
    @JsonCreator
    static InputSchema declared(@JsonProperty("fields") LinkedHashMap<String, FieldSpec> fields) {
        if (fields.isEmpty()) {
            throw InvalidValue.at("fields", "declares no fields", "copy the schema section of jobs/features.yaml");
        }
        List<FieldSpec> named = new ArrayList<>();
        fields.forEach((name, spec) -> named.add(spec.named(name)));
        return new InputSchema(named);
    }

    public List<FieldSpec> parameters() {
        return fields.stream().filter(FieldSpec::parameter).toList();
    }

    public int parameterCount() {
        return parameters().size();
    }

    public List<String> parameterNames() {
        return parameters().stream().map(FieldSpec::name).toList();
    }

    public FieldSpec field(String name) {
        return fields.stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
    }

    /** Whether a field is one of SPEC 2.1's fixed fields, as shipped in jobs/features.yaml. */
    public static boolean isCoreField(String name) {
        return CORE_FIELDS.containsKey(name);
    }
}
