package io.waferflow.config.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What changed between two versions of a group, from their registered definitions: features added, removed or changed
 * (type, unit, inputs, description or transformation), window settings, and derived features. One line per change.
 */
public final class VersionDiff {

    private VersionDiff() {}

    public static List<String> between(RegisteredGroup group, RegisteredVersion from, RegisteredVersion to) {
        List<String> lines = new ArrayList<>();
        Map<String, FeatureDefinition> before = byName(group.features(from));
        Map<String, FeatureDefinition> after = byName(group.features(to));
        List<String> added = new ArrayList<>(after.keySet());
        added.removeAll(before.keySet());
        List<String> removed = new ArrayList<>(before.keySet());
        removed.removeAll(after.keySet());
        if (!added.isEmpty()) {
            lines.add("features added (" + added.size() + "): " + String.join(", ", added));
        }
        if (!removed.isEmpty()) {
            lines.add("features removed (" + removed.size() + "): " + String.join(", ", removed));
        }
        for (Map.Entry<String, FeatureDefinition> b : before.entrySet()) {
            FeatureDefinition a = after.get(b.getKey());
            if (a != null && !a.equals(b.getValue())) {
                lines.add("feature changed: " + b.getKey() + " " + changes(b.getValue(), a));
            }
        }
        settings(
                "window.",
                from.definition().window().settings(),
                to.definition().window().settings(),
                lines);
        settings("derived.", from.definition().derived(), to.definition().derived(), lines);
        return lines;
    }

    private static String changes(FeatureDefinition b, FeatureDefinition a) {
        List<String> c = new ArrayList<>();
        change("type", b.type(), a.type(), c);
        change("unit", b.unit(), a.unit(), c);
        change("inputs", b.inputs().toString(), a.inputs().toString(), c);
        change("description", b.description(), a.description(), c);
        change("transformation", b.transformation(), a.transformation(), c);
        return String.join("; ", c);
    }

    private static void change(String what, String b, String a, List<String> out) {
        if (!b.equals(a)) {
            out.add(what + " " + b + " -> " + a);
        }
    }

    private static void settings(String prefix, Map<String, String> b, Map<String, String> a, List<String> out) {
        Set<String> keys = new LinkedHashSet<>(b.keySet());
        keys.addAll(a.keySet());
        for (String k : keys) {
            String x = b.get(k);
            String y = a.get(k);
            if (x == null) {
                out.add(prefix + k + " added: " + y);
            } else if (y == null) {
                out.add(prefix + k + " removed (was " + x + ")");
            } else if (!x.equals(y)) {
                out.add(prefix + k + ": " + x + " -> " + y);
            }
        }
    }

    private static Map<String, FeatureDefinition> byName(List<FeatureDefinition> features) {
        Map<String, FeatureDefinition> m = new LinkedHashMap<>();
        features.forEach(f -> m.put(f.name(), f));
        return m;
    }
}
