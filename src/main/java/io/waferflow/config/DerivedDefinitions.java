package io.waferflow.config;

import io.waferflow.model.BaselineStatistics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The checks of {@code feature_group.derived} (name → expression, in declaration order), shared by the configuration
 * (at load) and the evaluator (at compile), so a definition the job accepts is one the server and the training set can
 * compute. A name is snake_case and no stored feature column; an expression parses ({@link DerivedExpression}); each
 * variable is a stored feature column, a derived feature declared earlier, or {@code baseline.<parameter>.<statistic>}
 * of a parametric test ({@link BaselineStatistics}). Earlier only: there are no cycles, and one pass in declaration
 * order computes them all.
 */
public final class DerivedDefinitions {

    public static final String KEY = "feature_group.derived";

    private static final Pattern SNAKE_CASE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");

    private DerivedDefinitions() {}

    /**
     * The definitions parsed, in declaration order.
     *
     * @param storedFeatures the feature columns of the group's rows ({@code io.waferflow.model.FeatureColumns})
     * @throws ConfigException for the first problem, keyed {@code feature_group.derived.<name>}
     */
    public static Map<String, DerivedExpression> parse(
            Map<String, String> definitions, Collection<String> storedFeatures) {
        Set<String> stored = new LinkedHashSet<>(storedFeatures);
        Map<String, DerivedExpression> parsed = new LinkedHashMap<>();
        for (Map.Entry<String, String> d : definitions.entrySet()) {
            String name = d.getKey();
            String key = KEY + "." + name;
            checkName(key, name, stored);
            String text = d.getValue();
            if (text == null || text.isBlank()) {
                throw new ConfigException(key, "has no expression", "write one, e.g. \"vdd_std / vdd_mean\"");
            }
            DerivedExpression expression;
            try {
                expression = DerivedExpression.parse(text);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(
                        key,
                        "'" + text + "' does not parse (" + e.getMessage() + ")",
                        "write arithmetic over feature names with + - * / ^ ( ) and functions such as abs, sqrt,"
                                + " log, min, max; e.g. \"(vdd_mean - baseline.vdd.mean) / baseline.vdd.std\"");
            }
            for (String variable : expression.variables()) {
                checkVariable(key, variable, stored, parsed.keySet(), definitions.keySet());
            }
            parsed.put(name, expression);
        }
        return Collections.unmodifiableMap(parsed);
    }

    private static void checkName(String key, String name, Set<String> stored) {
        if (!SNAKE_CASE.matcher(name).matches()) {
            throw new ConfigException(
                    key,
                    "'" + name + "' is not a snake_case name",
                    "use lower-case letters, digits and single '_' between words, starting with a letter, e.g."
                            + " vdd_cv");
        }
        if (stored.contains(name)) {
            throw new ConfigException(
                    key,
                    "is the name of a stored feature column",
                    "give the derived feature a name of its own (readers could not tell the two apart)");
        }
    }

    private static void checkVariable(
            String key, String variable, Set<String> stored, Set<String> earlier, Set<String> declared) {
        if (stored.contains(variable) || earlier.contains(variable)) {
            return;
        }
        if (declared.contains(variable)) {
            throw new ConfigException(
                    key,
                    "uses the derived feature '" + variable + "', which is not declared before it",
                    "declare '" + variable + "' above it (a derived feature may use only earlier ones, so there are"
                            + " no cycles)");
        }
        Optional<BaselineStatistics.Reference> baseline = BaselineStatistics.parse(variable);
        if (baseline.isPresent()) {
            checkBaseline(key, variable, baseline.get(), stored);
            return;
        }
        List<String> known = new ArrayList<>(stored);
        known.addAll(earlier);
        throw new ConfigException(
                key,
                "uses '" + variable + "', which is no stored feature, earlier derived feature or baseline statistic",
                Nearest.to(variable, known)
                        .map(near -> "did you mean '" + near + "'?")
                        .orElse("use a stored feature column (e.g. yield_pct, vdd_mean), a derived feature declared"
                                + " above it, or baseline.<parameter>.<statistic>"));
    }

    private static void checkBaseline(
            String key, String variable, BaselineStatistics.Reference ref, Set<String> stored) {
        if (!BaselineStatistics.isParameter(ref.parameter(), stored)) {
            List<String> parameters = parameters(stored);
            throw new ConfigException(
                    key,
                    "uses '" + variable + "', but '" + ref.parameter() + "' is not a parametric test (only those"
                            + " have a drift baseline)",
                    Nearest.to(ref.parameter(), parameters)
                            .map(near -> "did you mean '" + BaselineStatistics.key(near, ref.statistic()) + "'?")
                            .orElse("use one of the parametric tests: " + String.join(", ", parameters)));
        }
        if (!BaselineStatistics.NAMES.contains(ref.statistic())) {
            throw new ConfigException(
                    key,
                    "uses '" + variable + "', but a baseline has no statistic '" + ref.statistic() + "'",
                    Nearest.to(ref.statistic(), BaselineStatistics.NAMES)
                            .map(near -> "did you mean '" + BaselineStatistics.key(ref.parameter(), near) + "'?")
                            .orElse("use one of " + String.join(", ", BaselineStatistics.NAMES)));
        }
    }

    private static List<String> parameters(Set<String> stored) {
        String suffix = "_" + BaselineStatistics.NAMES.get(0);
        return stored.stream()
                .filter(c -> c.endsWith(suffix))
                .map(c -> c.substring(0, c.length() - suffix.length()))
                .filter(p -> BaselineStatistics.isParameter(p, stored))
                .toList();
    }
}
