package io.waferflow.config.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.FieldSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a version's stored rows mean, as canonical JSON and its SHA-256 ({@code sha256:<hex>}): the group and entity,
 * each stored feature's name, type and inputs, the window (type, size, slide, gap, allowed lateness) and every schema
 * field's value rules (type, required, nullable, parameter, min, max, allowed, pattern), which decide which records
 * count and which values are flagged. Stored beside the rows (Redis, offline store) by the first job that writes a
 * version; a later job whose definition has another fingerprint is refused, since its rows would mean something else
 * under the same version.
 *
 * <p>Left out on purpose: derived features (computed on read, never stored: changing one changes no row), descriptions,
 * units and transformation texts (documentation: rewording one must not need a new version), watermark and data-quality
 * tuning (they decide only which borderline records are late or too large, as a restart does), and the job's code
 * version (it is in every row already).
 */
public record DefinitionFingerprint(String fingerprint, String json) {

    /** Keys sorted at every level: the same definition is the same bytes whatever order the files list it in. */
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    public static DefinitionFingerprint of(FeaturesJobConfig c) {
        return of(c, FeatureRegistry.load(c.registryDirectory()));
    }

    public static DefinitionFingerprint of(FeaturesJobConfig c, FeatureRegistry registry) {
        Map<String, Object> definition = new TreeMap<>();
        definition.put("group", c.featureGroup());
        definition.put("entity", registry.group(c.featureGroup()).entity());
        Map<String, Object> features = new TreeMap<>();
        for (FeatureDefinition f : FeatureDefinitions.of(c, registry)) {
            features.put(f.name(), Map.of("type", f.type(), "inputs", f.inputs()));
        }
        definition.put("features", features);
        definition.put("window", new TreeMap<>(WindowDefinition.of(c.window()).settings()));
        Map<String, Object> fields = new TreeMap<>();
        for (FieldSpec f : c.schema().fields()) {
            fields.put(f.name(), rules(f));
        }
        definition.put("fields", fields);
        try {
            return fromJson(CANONICAL.writeValueAsString(definition));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps of strings always serialize", e);
        }
    }

    private static Map<String, Object> rules(FieldSpec f) {
        Map<String, Object> r = new TreeMap<>();
        r.put("type", f.type().name().toLowerCase());
        r.put("required", f.required());
        r.put("nullable", f.nullable());
        r.put("parameter", f.parameter());
        if (f.min() != null) {
            r.put("min", f.min());
        }
        if (f.max() != null) {
            r.put("max", f.max());
        }
        if (!f.allowed().isEmpty()) {
            r.put("allowed", f.allowed());
        }
        if (f.pattern() != null) {
            r.put("pattern", f.pattern());
        }
        return r;
    }

    /** A definition as stored (its canonical JSON), with its fingerprint computed again. */
    public static DefinitionFingerprint fromJson(String json) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
            return new DefinitionFingerprint("sha256:" + HexFormat.of().formatHex(sha), json);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** The fingerprint's first 12 hex digits, for messages. */
    public String shortFingerprint() {
        return fingerprint.substring(0, Math.min(fingerprint.length(), "sha256:".length() + 12));
    }

    /**
     * What differs from another definition (e.g. the stored one), one line per setting: {@code window.size: 5 min -> 1
     * min}, {@code fields.vpp added}, {@code features.vpp_mean added}. Empty if the JSON cannot be read (a stored value
     * from elsewhere): the fingerprints still differ.
     */
    public List<String> differencesFrom(DefinitionFingerprint other) {
        Map<String, String> before = leaves(other.json);
        Map<String, String> after = leaves(json);
        Set<String> keys = new LinkedHashSet<>(before.keySet());
        keys.addAll(after.keySet());
        List<String> lines = new ArrayList<>();
        for (String k : keys) {
            String b = before.get(k);
            String a = after.get(k);
            if (b == null) {
                lines.add(k + " added: " + a);
            } else if (a == null) {
                lines.add(k + " removed (was " + b + ")");
            } else if (!a.equals(b)) {
                lines.add(k + ": " + b + " -> " + a);
            }
        }
        return lines;
    }

    /** Every value by its dotted path; a list is one value. */
    private static Map<String, String> leaves(String json) {
        Map<String, String> out = new TreeMap<>();
        try {
            leaves(CANONICAL.readTree(json), "", out);
        } catch (JsonProcessingException e) {
            // Not a definition this code wrote: nothing to compare key by key.
        }
        return out;
    }

    private static void leaves(JsonNode node, String path, Map<String, String> out) {
        if (node.isObject()) {
            node.fields()
                    .forEachRemaining(
                            f -> leaves(f.getValue(), path.isEmpty() ? f.getKey() : path + "." + f.getKey(), out));
        } else {
            out.put(path, node.isTextual() ? node.textValue() : node.toString());
        }
    }
}
