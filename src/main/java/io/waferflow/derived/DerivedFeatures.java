package io.waferflow.derived;

import io.waferflow.config.DerivedDefinitions;
import io.waferflow.config.DerivedExpression;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.model.FeatureColumns;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The derived features of a feature group ({@code feature_group.derived}), compiled once and evaluated per row: by the
 * server for each entity it answers ({@link #evaluate}), and over offline rows for training sets
 * ({@link #evaluateRow}). Both go through the same code, so training and serving cannot disagree.
 *
 * <p><b>Nulls.</b> A derived feature is null when any value it reads is missing: a stored feature that is null, absent
 * or NaN (the offline rows' null), a baseline statistic the baseline map lacks (no baseline loaded yet, a stream
 * baseline still forming, the std of fewer than two values), or a derived feature it uses that is null. It is also null
 * when the result is not a finite number: {@code x / 0} gives ±Infinity or NaN, never an exception. A derived value is
 * never a default or a zero standing in for a missing input.
 *
 * <p><b>Units.</b> The expressions see the stored values as they are: {@code yield_pct} is a percentage (0–100) but
 * {@code neighbor_yield_avg} a share (0–1), so "yield against the neighbours" is {@code yield_pct - 100 *
 * neighbor_yield_avg}.
 *
 * <p><b>Threads.</b> Immutable, and one instance serves any number of threads: an evaluation keeps its values in arrays
 * of its own ({@link DerivedExpression#evaluate}). Serializable for Flink functions: only the definitions travel, and
 * they are compiled again when read.
 */
public final class DerivedFeatures implements Serializable {

    private static final long serialVersionUID = 1L;

    private final LinkedHashMap<String, String> definitions;
    private final ArrayList<String> storedFeatures;
    private final HashMap<String, Double> baseline;

    private final transient List<String> names;
    private final transient Map<String, Integer> index;
    private final transient Compiled[] compiled;

    /** One derived feature: its expression and where each of its variables comes from, in the same order. */
    private record Compiled(DerivedExpression expression, Source[] sources) {}

    /**
     * Where a variable's value comes from: a stored feature (by name), an earlier derived feature (by index) or a
     * baseline statistic (its value, null when the baseline lacks it).
     */
    private record Source(String stored, int derived, Double baseline) {}

    private DerivedFeatures(
            Map<String, String> definitions, Collection<String> storedFeatures, Map<String, Double> baseline) {
        this.definitions = new LinkedHashMap<>(definitions);
        this.storedFeatures = new ArrayList<>(storedFeatures);
        this.baseline = new HashMap<>(baseline);
        Map<String, DerivedExpression> parsed = DerivedDefinitions.parse(this.definitions, this.storedFeatures);
        Set<String> stored = new LinkedHashSet<>(this.storedFeatures);
        this.names = List.copyOf(parsed.keySet());
        Map<String, Integer> idx = new HashMap<>();
        this.compiled = new Compiled[names.size()];
        for (String name : names) {
            DerivedExpression e = parsed.get(name);
            String[] variables = e.variables().toArray(String[]::new);
            Source[] sources = new Source[variables.length];
            for (int v = 0; v < variables.length; v++) {
                String variable = variables[v];
                if (stored.contains(variable)) {
                    sources[v] = new Source(variable, -1, null);
                } else if (idx.containsKey(variable)) {
                    sources[v] = new Source(null, idx.get(variable), null);
                } else { // DerivedDefinitions let nothing else through
                    sources[v] = new Source(null, -1, this.baseline.get(variable));
                }
            }
            compiled[idx.size()] = new Compiled(e, sources);
            idx.put(name, idx.size());
        }
        this.index = Collections.unmodifiableMap(idx);
    }

    /**
     * Compiles the definitions.
     *
     * @param definitions name → expression, in declaration order ({@link FeaturesJobConfig#derivedFeatures()})
     * @param storedFeatures the feature columns of the group's rows ({@link FeatureColumns#names()})
     * @param baseline {@code baseline.<parameter>.<statistic>} → value ({@link BaselineValues}); may be empty
     * @throws io.waferflow.config.ConfigException naming {@code feature_group.derived.<name>} and what is wrong
     */
    public static DerivedFeatures compile(
            Map<String, String> definitions, Collection<String> storedFeatures, Map<String, Double> baseline) {
        return new DerivedFeatures(definitions, storedFeatures, baseline);
    }

    /** The job configuration's derived features over its feature columns. */
    public static DerivedFeatures of(FeaturesJobConfig config, Map<String, Double> baseline) {
        return compile(
                config.derivedFeatures(), new FeatureColumns(config.schema().parameterNames()).names(), baseline);
    }

    /** The same definitions over another baseline (e.g. a rebuilt baseline file). */
    public DerivedFeatures withBaseline(Map<String, Double> newBaseline) {
        return compile(definitions, storedFeatures, newBaseline);
    }

    /** The derived feature names, in declaration order. */
    public List<String> names() {
        return names;
    }

    public boolean has(String name) {
        return index.containsKey(name);
    }

    /**
     * Checks a name given on the command line.
     *
     * @param option the option that named it, e.g. {@code --derived}
     * @param group the feature group, for the message
     * @throws io.waferflow.config.ConfigException naming the option and the declared derived features
     */
    public void require(String option, String name, String group) {
        if (!has(name)) {
            throw new io.waferflow.config.ConfigException(
                    option,
                    "'" + name + "' is not a derived feature of " + group,
                    names.isEmpty()
                            ? "declare it under feature_group.derived"
                            : "use one of " + String.join(", ", names));
        }
    }

    /** The definition of a derived feature as configured. */
    public String expression(String name) {
        return compiled[indexOf(name)].expression().text();
    }

    /**
     * The stored features a derived feature reads, directly or through the derived features it uses: what a reader must
     * fetch to compute it.
     */
    public List<String> storedInputs(String name) {
        Set<String> stored = new LinkedHashSet<>();
        collectInputs(indexOf(name), stored, new LinkedHashSet<>());
        return List.copyOf(stored);
    }

    /**
     * The baseline statistics ({@code baseline.<parameter>.<statistic>}) a derived feature reads, directly or through
     * the derived features it uses: without them it is null.
     */
    public List<String> baselineInputs(String name) {
        Set<String> baselineStatistics = new LinkedHashSet<>();
        collectInputs(indexOf(name), new LinkedHashSet<>(), baselineStatistics);
        return List.copyOf(baselineStatistics);
    }

    private void collectInputs(int i, Set<String> stored, Set<String> baselineStatistics) {
        Compiled c = compiled[i];
        for (int v = 0; v < c.sources().length; v++) {
            Source s = c.sources()[v];
            if (s.stored() != null) {
                stored.add(s.stored());
            } else if (s.derived() >= 0) {
                collectInputs(s.derived(), stored, baselineStatistics);
            } else {
                baselineStatistics.add(c.expression().variables().get(v));
            }
        }
    }

    /**
     * One derived feature from stored values (null = missing/null stored value); null when an input is null or the
     * result is not finite (division by zero).
     *
     * @throws IllegalArgumentException when {@code name} is not a derived feature
     */
    public Double evaluate(String name, Function<String, Double> stored) {
        return value(indexOf(name), stored, null);
    }

    /**
     * Every derived feature of an offline row (stored feature name → value; null, NaN or absent is missing), in
     * declaration order: the same values {@link #evaluate} gives for each name. Each derived feature is computed once.
     */
    public Map<String, Double> evaluateRow(Map<String, Double> row) {
        Double[] done = new Double[compiled.length];
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < compiled.length; i++) {
            done[i] = value(i, row::get, done);
            out.put(names.get(i), done[i]);
        }
        return out;
    }

    /** Derived feature {@code i}; {@code done} holds the earlier ones' values when they are known (a whole row). */
    private Double value(int i, Function<String, Double> stored, Double[] done) {
        Compiled c = compiled[i];
        double[] values = new double[c.sources().length];
        for (int v = 0; v < values.length; v++) {
            Source s = c.sources()[v];
            Double x;
            if (s.stored() != null) {
                x = stored.apply(s.stored());
            } else if (s.derived() >= 0) {
                x = done != null ? done[s.derived()] : value(s.derived(), stored, null);
            } else {
                x = s.baseline();
            }
            if (x == null || x.isNaN()) {
                return null;
            }
            values[v] = x;
        }
        double result = c.expression().evaluate(values);
        return Double.isFinite(result) ? result : null;
    }

    private int indexOf(String name) {
        Integer i = index.get(name);
        if (i == null) {
            throw new IllegalArgumentException("'" + name + "' is not a derived feature of this group ("
                    + (names.isEmpty() ? "none is declared" : "declared: " + String.join(", ", names)) + ")");
        }
        return i;
    }

    /** Compiled again after deserialization: exp4j's expressions are not serializable, the definitions are. */
    private Object readResolve() {
        return compile(definitions, storedFeatures, baseline);
    }
}
