package io.waferflow.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.waferflow.model.Severity;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code stdf} section: how STDF V4 tester files become device-test records (docs/stdf.md). Which tests are the
 * schema's parameters, whether every other parametric test is kept as a field of its own, how the tester id is formed,
 * and at which severity a file-level issue blocks the whole file.
 *
 * @param parameters schema parameter → the test it is read from, in declaration order
 * @param keepAllTests also keep every unmapped parametric test as a field named after it
 * @param testerId {@link #NODE_NAME} or {@link #NODE_HEAD_SITE}
 * @param blockOn the lowest severity that blocks a file; null: never block
 */
public record StdfConfig(Map<String, TestMapping> parameters, boolean keepAllTests, String testerId, Severity blockOn)
        implements Serializable {

    /** tester_id: the MIR's NODE_NAM. */
    public static final String NODE_NAME = "node_name";
    /** tester_id: {@code <NODE_NAM>/h<head>s<site>}, one tester id per test site. */
    public static final String NODE_HEAD_SITE = "node_head_site";

    public StdfConfig {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters == null ? Map.of() : parameters));
        if (!NODE_NAME.equals(testerId) && !NODE_HEAD_SITE.equals(testerId)) {
            throw InvalidValue.at(
                    "tester_id", "'" + testerId + "' is unknown", "use " + NODE_NAME + " or " + NODE_HEAD_SITE);
        }
    }

    /** The section as the YAML writes it: {@code block_on} is a severity or {@code none}. */
    @JsonCreator
    static StdfConfig declared(
            @JsonProperty("parameters") LinkedHashMap<String, TestMapping> parameters,
            @JsonProperty("keep_all_tests") boolean keepAllTests,
            @JsonProperty("tester_id") String testerId,
            @JsonProperty("block_on") String blockOn) {
        return new StdfConfig(parameters, keepAllTests, testerId, severity(blockOn));
    }

    private static Severity severity(String blockOn) {
        String s = blockOn == null ? "none" : blockOn.trim().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "none" -> null;
            case "critical" -> Severity.CRITICAL;
            case "high" -> Severity.HIGH;
            default -> throw InvalidValue.at("block_on", "'" + blockOn + "' is unknown", "use critical, high or none");
        };
    }

    /** The configuration with every mapping checked against the schema, units defaulting to the schema's. */
    StdfConfig checkedAgainst(InputSchema schema) {
        Map<String, TestMapping> checked = new LinkedHashMap<>();
        parameters.forEach((name, mapping) -> {
            FieldSpec field = schema.field(name);
            if (field == null || !field.parameter()) {
                throw new ConfigException(
                        "stdf.parameters." + name,
                        "is not a parametric test of the schema",
                        "map one of the schema's parameters: " + String.join(", ", schema.parameterNames()));
            }
            checked.put(name, mapping.withDefaultUnit(field.unit()));
        });
        return new StdfConfig(checked, keepAllTests, testerId, blockOn);
    }

    /** A configuration for readers outside a job (tests, tools): no mapping, node-name tester ids, no blocking. */
    public static StdfConfig of(Map<String, TestMapping> parameters, boolean keepAllTests, Severity blockOn) {
        return new StdfConfig(parameters, keepAllTests, NODE_NAME, blockOn);
    }

    public StdfConfig withBlockOn(Severity severity) {
        return new StdfConfig(parameters, keepAllTests, testerId, severity);
    }

    public StdfConfig withTesterId(String mode) {
        return new StdfConfig(parameters, keepAllTests, mode, blockOn);
    }

    public StdfConfig withKeepAllTests(boolean keep) {
        return new StdfConfig(parameters, keep, testerId, blockOn);
    }
}
