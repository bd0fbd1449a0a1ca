package io.waferflow.serving;

import com.fasterxml.jackson.databind.JsonNode;
import io.waferflow.config.Nearest;
import io.waferflow.config.RawConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A checked feature request: {@code POST /v1/features}'s body, or {@code GET /v1/features/{group}/{entity}}'s path and
 * query. Every input is checked here, and a problem is a {@link RequestError} whose message names the field, what was
 * wrong and what to write instead.
 *
 * @param version the version asked for, or null: the one the serving pointer names
 * @param features the features to answer, in answer order (all of the group's when the request names none)
 * @param defaults values that stand in for features that are not found, null, stale or unavailable
 * @param maxAge rows whose window ended longer ago are {@link FeatureStatus#STALE}; null: no limit
 */
public record FeatureRequest(
        String version,
        List<String> entities,
        List<String> features,
        List<String> derived,
        Map<String, Double> defaults,
        Duration maxAge) {

    static final List<String> FIELDS =
            List.of("feature_group", "version", "entities", "features", "derived", "defaults", "max_age");

    /**
     * Longest entity id accepted: ids are Redis key parts (the job quarantines longer ones, quality.max_string_chars).
     */
    static final int MAX_ID_CHARS = 256;

    /** Checks a POST body against the served group and the server's limits. */
    static FeatureRequest fromJson(JsonNode body, ServedGroup group, int maxEntities) {
        if (body == null || !body.isObject()) {
            throw RequestError.badRequest("the request body must be a JSON object such as " + "{\"feature_group\": \""
                    + group.name() + "\", \"entities\": [\"W0001\"]}");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw RequestError.badRequest("unknown field '" + name + "'"
                        + Nearest.to(name, FIELDS)
                                .map(n -> " (did you mean '" + n + "'?)")
                                .orElse("")
                        + "; the fields are " + String.join(", ", FIELDS));
            }
        }
        checkGroup(text(body, "feature_group", true), group);
        String version = version(text(body, "version", false));
        List<String> entities = entities(body.get("entities"), maxEntities);
        List<String> features = features(body.get("features"), group);
        List<String> derived = derived(strings(body.get("derived"), "derived"), group);
        Map<String, Double> defaults = defaults(body.get("defaults"), group);
        Duration maxAge = maxAge(text(body, "max_age", false));
        return new FeatureRequest(version, entities, features, derived, defaults, maxAge);
    }

    /** One entity by path; {@code version}, {@code features} (comma-separated) and {@code max_age} from the query. */
    static FeatureRequest fromPath(String groupName, String entity, Map<String, String> query, ServedGroup group) {
        for (String name : query.keySet()) {
            if (!Set.of("version", "features", "max_age").contains(name)) {
                throw RequestError.badRequest(
                        "unknown query parameter '" + name + "'; the parameters are version, features and max_age");
            }
        }
        checkGroup(groupName, group);
        checkId(entity, "the entity in the path");
        String features = query.get("features");
        List<String> named =
                features == null ? group.features() : checkedFeatures(List.of(features.split(",", -1)), group);
        return new FeatureRequest(
                version(query.get("version")),
                List.of(entity),
                named,
                List.of(),
                Map.of(),
                maxAge(query.get("max_age")));
    }

    /** Derived features the group declares ({@code feature_group.derived}), each once. */
    private static List<String> derived(List<String> names, ServedGroup group) {
        List<String> known = group.derived().names();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (!group.derived().has(name)) {
                throw RequestError.badRequest("unknown derived feature '" + shorten(name) + "'"
                        + Nearest.to(name, known)
                                .map(n -> " (did you mean '" + n + "'?)")
                                .orElse("")
                        + (known.isEmpty()
                                ? "; feature_group.derived declares none"
                                : "; the derived features are " + String.join(", ", known)));
            }
            if (names.subList(0, i).contains(name)) {
                throw RequestError.badRequest("derived feature '" + name + "' is named twice");
            }
            if (group.hasFeature(name)) {
                throw RequestError.badRequest("'" + name + "' is a stored feature: ask for it in features");
            }
        }
        return names;
    }

    /** Whether the request declared any default (it then gets defaults instead of a 503 while Redis is away). */
    boolean hasDefaults() {
        return !defaults.isEmpty();
    }

    private static void checkGroup(String name, ServedGroup group) {
        if (!name.equals(group.name())) {
            throw RequestError.badRequest(
                    "unknown feature group '" + name + "'; this server serves '" + group.name() + "'");
        }
    }

    private static String text(JsonNode body, String field, boolean required) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw RequestError.badRequest(field + " is missing");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw RequestError.badRequest(
                    field + " must be a string, not " + v.getNodeType().name().toLowerCase());
        }
        return v.textValue();
    }

    private static String version(String version) {
        if (version != null && !version.matches("[A-Za-z0-9_\\-]{1,64}")) {
            throw RequestError.badRequest(
                    "version '" + shorten(version) + "' is not a version name (letters, digits, '_' and '-', e.g. v1)");
        }
        return version;
    }

    private static List<String> entities(JsonNode node, int maxEntities) {
        if (node == null || node.isNull()) {
            throw RequestError.badRequest("entities is missing: list the wafer ids, e.g. \"entities\": [\"W0001\"]");
        }
        if (!node.isArray()) {
            throw RequestError.badRequest("entities must be a list of wafer ids, e.g. [\"W0001\"]");
        }
        if (node.isEmpty()) {
            throw RequestError.badRequest("entities is empty: list at least one wafer id");
        }
        if (node.size() > maxEntities) {
            throw RequestError.tooLarge(
                    "entities has " + node.size() + " ids; at most " + maxEntities + " per request: split the batch");
        }
        List<String> ids = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode id = node.get(i);
            if (!id.isTextual()) {
                throw RequestError.badRequest(
                        "entities[" + i + "] is " + id.getNodeType().name().toLowerCase()
                                + ", not a string: wafer ids are strings, e.g. \"W0001\"");
            }
            String text = id.textValue();
            if (text.isEmpty() || text.length() > MAX_ID_CHARS) {
                checkId(text, "entities[" + i + "]"); // the message names the entry (built only when refused)
            }
            ids.add(text);
        }
        return ids;
    }

    private static String checkId(String id, String where) {
        if (id.isEmpty()) {
            throw RequestError.badRequest(where + " is an empty string");
        }
        if (id.length() > MAX_ID_CHARS) {
            throw RequestError.badRequest(
                    where + " is " + id.length() + " characters long; ids have at most " + MAX_ID_CHARS);
        }
        return id;
    }

    private static List<String> features(JsonNode node, ServedGroup group) {
        if (node == null || node.isNull()) {
            return group.features();
        }
        List<String> named = strings(node, "features");
        if (named.isEmpty()) {
            throw RequestError.badRequest("features is empty: name at least one, or leave it out for all");
        }
        return checkedFeatures(named, group);
    }

    private static List<String> checkedFeatures(List<String> named, ServedGroup group) {
        Set<String> seen = new java.util.HashSet<>();
        for (String f : named) {
            checkFeature(f, group, "feature");
            if (!seen.add(f)) {
                // An answer's values are an object keyed by feature: a name twice would be a duplicate key.
                throw RequestError.badRequest("features names '" + f + "' twice");
            }
        }
        return List.copyOf(named);
    }

    private static void checkFeature(String feature, ServedGroup group, String what) {
        if (!group.hasFeature(feature)) {
            throw RequestError.badRequest("unknown " + what + " '" + shorten(feature) + "' in group " + group.name()
                    + Nearest.to(feature, group.features())
                            .map(n -> " (did you mean '" + n + "'?)")
                            .orElse(""));
        }
    }

    private static List<String> strings(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw RequestError.badRequest(field + " must be a list of names, e.g. [\"yield_pct\"]");
        }
        List<String> out = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            if (!node.get(i).isTextual()) {
                throw RequestError.badRequest(field + "[" + i + "] is not a string");
            }
            out.add(node.get(i).textValue());
        }
        return out;
    }

    private static Map<String, Double> defaults(JsonNode node, ServedGroup group) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw RequestError.badRequest("defaults must be an object of feature: number, e.g. {\"yield_pct\": 0}");
        }
        Map<String, Double> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            checkFeature(e.getKey(), group, "feature in defaults,");
            if (!e.getValue().isNumber()) {
                throw RequestError.badRequest("defaults." + e.getKey() + " must be a number, not "
                        + e.getValue().getNodeType().name().toLowerCase());
            }
            out.put(e.getKey(), e.getValue().doubleValue());
        });
        return out;
    }

    private static Duration maxAge(String text) {
        if (text == null) {
            return null;
        }
        Duration d;
        try {
            d = RawConfig.parseDuration("max_age", text);
        } catch (RuntimeException e) {
            d = null;
        }
        if (d == null || d.isZero() || d.isNegative()) {
            throw RequestError.badRequest("max_age '" + shorten(text)
                    + "' is not a positive duration: write e.g. \"10 min\", \"30 s\" or \"2 h\"");
        }
        return d;
    }

    /** Echoed input stays short in messages and logs. */
    private static String shorten(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }

    Optional<Double> defaultOf(String feature) {
        return Optional.ofNullable(defaults.get(feature));
    }
}
