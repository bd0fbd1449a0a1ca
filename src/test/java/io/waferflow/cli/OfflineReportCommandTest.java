package io.waferflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waferflow.config.ConfigException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code report}'s own failures and an empty store; the page over a real store is {@code ReportITCase}'s. */
class OfflineReportCommandTest {

    @TempDir
    Path tmp;

    @Test
    void anEmptyStoreGivesAPageThatSaysWhatIsMissing() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("data"));
        Path out = tmp.resolve("r/report.html");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int code = new OfflineReportCommand(new PrintStream(printed, true, StandardCharsets.UTF_8))
                .run("--offline-root", root.toString(), "--out", out.toString());
        assertThat(code).isZero();
        String html = Files.readString(out);
        // The shipped schema's four parameters each get a (empty) chart, so a missing one would show.
        assertThat(html.split("<svg class=\"drift-chart\"", -1)).hasSize(5);
        assertThat(html).contains("No drift metrics in this range").contains("No alerts given");
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("0 drift windows, 0 violations, 0 quality events, 0 wafer maps, no alerts")
                .contains("note: no feature rows under " + root.resolve("wafer_aggregates/version=v1"))
                .contains("note: no raw archive under");
    }

    @Test
    void refusesWhatItCannotUse() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("data"));
        String out = tmp.resolve("report.html").toString();
        OfflineReportCommand command = new OfflineReportCommand(new PrintStream(new ByteArrayOutputStream()));
        assertThatThrownBy(() ->
                        command.run("--offline-root", tmp.resolve("nothing").toString(), "--out", out))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--offline-root")
                .hasMessageContaining("no such directory");
        assertThatThrownBy(() -> new OfflineReportCommand(new PrintStream(new ByteArrayOutputStream()))
                        .run("--offline-root", root.toString(), "--color-by", "vcc", "--out", out))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--color-by")
                .hasMessageContaining("vdd");
        Path alerts = Files.writeString(tmp.resolve("alerts.jsonl"), "not an alert\n");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        assertThat(new OfflineReportCommand(new PrintStream(printed, true, StandardCharsets.UTF_8))
                        .run("--offline-root", root.toString(), "--alerts", alerts.toString(), "--out", out))
                .isEqualTo(2);
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("--alerts: line 1 of " + alerts)
                .contains("alerts tail --format json");
    }
}
