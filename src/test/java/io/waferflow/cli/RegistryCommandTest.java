package io.waferflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waferflow.config.ConfigException;
import io.waferflow.config.registry.TestRegistries;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code waferflow registry list|show|diff} over the shipped registry and one with a v2. */
class RegistryCommandTest {

    @TempDir
    Path dir;

    private static String run(String... argv) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertThat(new RegistryCommand(new PrintStream(bytes, true, StandardCharsets.UTF_8)).run(argv))
                .isZero();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private String runWithV2(String... argv) throws Exception {
        List<String> all = new ArrayList<>(List.of(argv));
        all.add("--registry");
        all.add(TestRegistries.withV2(dir).toString());
        return run(all.toArray(new String[0]));
    }

    @Test
    void listsTheShippedGroup() throws Exception {
        String out = run("list");
        assertThat(out).contains("registry " + Path.of("jobs/registry").toAbsolutePath());
        assertThat(out.lines().filter(l -> l.startsWith("wafer_aggregates")))
                .singleElement()
                .asString()
                .matches("wafer_aggregates +wafer_id +test-engineering +v1 +v1 \\(2026-12-03\\) +38 +Per-wafer .*");
        assertThat(runWithV2("list")).containsPattern("v1, v2 +v2 \\(2026-12-04\\) +46 ");
    }

    @Test
    void showsAVersionsFeaturesWindowAndDerivedFeatures() throws Exception {
        String v1 = run("show", "wafer_aggregates:v1");
        assertThat(v1)
                .contains("  entity   wafer_id\n", "    v1  2026-12-03  First version (release 0.1.0)\n")
                .contains("  window   type tumbling, size 5 min, allowed_lateness 1 min\n")
                .contains("  parametric tests  vdd V, idd mA, frequency MHz, temperature C\n")
                .contains("  stored features (38)\n")
                .containsPattern("\n    temperature_p95 +double +C +temperature +95th percentile")
                .containsPattern("\n    neighbor_yield_avg +double +share 0-1 +die_x, die_y, pass_fail +per device")
                .contains("    vdd_cv = vdd_std / vdd_mean\n");
        String latest = runWithV2("show", "wafer_aggregates");
        assertThat(latest)
                .contains("wafer_aggregates:v2\n", "  stored features (46)\n", "    vdd_z = ")
                .doesNotContain("vdd_cv =");
    }

    @Test
    void diffsTwoVersions() throws Exception {
        assertThat(runWithV2("diff", "wafer_aggregates:v1", "wafer_aggregates:v2"))
                .isEqualTo("wafer_aggregates v1 (2026-12-03) -> v2 (2026-12-04): 10-minute windows; vpp added; vdd_cv"
                        + " dropped\n"
                        + "  features added (8): vpp_mean, vpp_std, vpp_min, vpp_max, vpp_p50, vpp_p95,"
                        + " dq_vpp_null_rate, dq_vpp_flagged_rate\n"
                        + "  window.size: 5 min -> 10 min\n"
                        + "  derived.vdd_cv removed (was vdd_std / vdd_mean)\n");
        assertThat(runWithV2("diff", "wafer_aggregates:v2", "v2")).contains("no difference");
    }

    @Test
    void refusesWhatIsNotRegistered() {
        assertThatThrownBy(() -> run("show", "wafer_aggregates:v9"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("version 'v9' of wafer_aggregates is not registered");
        assertThatThrownBy(() -> run("diff", "wafer_aggregates", "v2"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("names no version");
        assertThatThrownBy(() -> run("show", "dies"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("feature group 'dies' is not registered");
    }

    @Test
    void everySubcommandHasHelp() throws Exception {
        // --help is inherited from the root command, as bin/waferflow registers the command.
        picocli.CommandLine root = new picocli.CommandLine(new Root()).addSubcommand(new RegistryCommand());
        for (String[] argv : List.of(
                new String[] {"registry", "--help"},
                new String[] {"registry", "diff", "--help"},
                new String[] {"registry", "show", "--help"},
                new String[] {"registry", "list", "--help"})) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
            assertThat(CommandRunner.run(root, out, out, argv)).isZero();
            assertThat(bytes.toString(StandardCharsets.UTF_8))
                    .contains("Usage: ")
                    .contains("--help");
        }
    }

    @picocli.CommandLine.Command(name = "waferflow")
    static final class Root {
        @picocli.CommandLine.Option(names = "--help", usageHelp = true, scope = picocli.CommandLine.ScopeType.INHERIT)
        boolean help;
    }
}
