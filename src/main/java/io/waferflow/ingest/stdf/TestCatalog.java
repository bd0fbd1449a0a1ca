package io.waferflow.ingest.stdf;

import io.waferflow.config.InputSchema;
import io.waferflow.config.StdfConfig;
import io.waferflow.config.TestMapping;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The tests of one file, by test number, each as its first record defined it ({@link TestDefaults}). Parametric
 * (PTR/MPR) and functional (FTR) tests are kept apart: their numbers are separate spaces in many programs. Memory is
 * one entry per test, whatever the number of parts.
 */
final class TestCatalog {

    private final StdfConfig config;
    private final Map<Long, TestDefaults> parametric = new HashMap<>();
    private final Map<Long, TestDefaults> functional = new HashMap<>();
    /** Field names taken: the core fields, the mapped parameters and the kept tests so far. */
    private final Set<String> taken = new HashSet<>();

    TestCatalog(StdfConfig config) {
        this.config = config;
        taken.addAll(config.parameters().keySet());
        for (String core : new String[] {
            InputSchema.EVENT_TIME, InputSchema.LOT_ID, InputSchema.WAFER_ID, InputSchema.DEVICE_ID,
            InputSchema.DIE_X, InputSchema.DIE_Y, InputSchema.TEST_TIME_MS, InputSchema.PASS_FAIL,
            InputSchema.HARD_BIN, InputSchema.SOFT_BIN, InputSchema.TESTER_ID
        }) {
            taken.add(core);
        }
    }

    /** The parametric test's defaults, or null before its first record. */
    TestDefaults parametric(long number) {
        return parametric.get(number);
    }

    TestDefaults functional(long number) {
        return functional.get(number);
    }

    /** Defines a parametric test from its first PTR/MPR. */
    TestDefaults defineParametric(long number, String text, Limits limits, String units) {
        String mapped = mappedKey(number, text);
        TestMapping mapping = mapped == null ? null : config.parameters().get(mapped);
        String field = mapped != null ? mapped : config.keepAllTests() ? keptName(number, text) : null;
        TestDefaults t = new TestDefaults(number, text, limits, units, field, mapping);
        parametric.put(number, t);
        return t;
    }

    /** Defines a functional test from its first FTR: only a mapped one has a field (1.0 pass, 0.0 fail). */
    TestDefaults defineFunctional(long number, String text) {
        String mapped = mappedKey(number, text);
        TestMapping mapping = mapped == null ? null : config.parameters().get(mapped);
        TestDefaults t = new TestDefaults(number, text, Limits.OMITTED, "", mapped, mapping);
        functional.put(number, t);
        return t;
    }

    private String mappedKey(long number, String text) {
        for (Map.Entry<String, TestMapping> e : config.parameters().entrySet()) {
            TestMapping m = e.getValue();
            if (m.testNumber() != null ? m.testNumber() == number : m.testName().equals(text)) {
                return e.getKey();
            }
        }
        return null;
    }

    /** TEST_TXT in lower case, other characters than [a-z0-9_] as _; t<number> without one; unique in the file. */
    private String keptName(long number, String text) {
        String name =
                text.isEmpty() ? "t" + number : text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (!taken.add(name)) {
            name = name + "_t" + number;
            taken.add(name);
        }
        return name;
    }
}
