package io.waferflow.config.registry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** Registry directories for tests: the shipped one, copied and edited, or with a v2 registered after v1. */
public final class TestRegistries {

    public static final Path SHIPPED = Path.of("jobs/registry");
    public static final Path SHIPPED_FILE = SHIPPED.resolve("wafer_aggregates.yaml");

    /** A v2 with 10-minute windows, the parametric test vpp added and the derived feature vdd_cv dropped. */
    public static final String V2 = """
              - version: v2
                date: 2026-12-04
                changes: 10-minute windows; vpp added; vdd_cv dropped
                definition:
                  window: {type: tumbling, size: 10 min, allowed_lateness: 60 s}
                  parameters: {vdd: V, idd: mA, frequency: MHz, temperature: C, vpp: V}
                  derived:
                    yield_vs_neighbors: yield_pct - 100 * neighbor_yield_avg
                    vdd_z: (vdd_mean - baseline.vdd.mean) / baseline.vdd.std
            """;

    private TestRegistries() {}

    /** A directory holding the shipped registry file edited by {@code edit}. */
    public static Path edited(Path dir, UnaryOperator<String> edit) throws IOException {
        Files.createDirectories(dir);
        String text = Files.readString(SHIPPED_FILE, StandardCharsets.UTF_8);
        String changed = edit.apply(text);
        Files.writeString(dir.resolve("wafer_aggregates.yaml"), changed, StandardCharsets.UTF_8);
        return dir;
    }

    /** The shipped registry with {@link #V2} registered after v1. */
    public static Path withV2(Path dir) throws IOException {
        return edited(dir, text -> text.stripTrailing() + "\n" + V2);
    }
}
