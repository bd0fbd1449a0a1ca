package io.waferflow.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.testing.LogCapture;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code bench scale} on one tiny point with 2 generated parameters beside the schema's 4 (the job file the bench
 * writes declares them): the job reads every record (the bench fails otherwise), completes checkpoints, and gets its
 * row.
 */
class ScaleBenchCommandTest {

    @Test
    void aPointWithGeneratedParametersRunsAndGetsItsRow() throws Exception {
        String printed;
        int code;
        try (LogCapture capture = LogCapture.start(Level.WARN, Map.of())) {
            code = new CommandLine(new BenchCommand())
                    .execute(
                            "scale",
                            "--parameters",
                            "6",
                            "--megabytes",
                            "0.6",
                            "--runs",
                            "1",
                            "--checkpoint-interval",
                            "300 ms");
            printed = capture.printed();
        }

        assertThat(code).as(printed).isZero();
        List<String> rows =
                printed.lines().filter(l -> l.startsWith("| parameters ")).toList();
        assertThat(rows).hasSize(1);
        String[] cells = rows.get(0).split("\\|");
        assertThat(cells[1]).startsWith(" parameters 6, wafers in flight 8");
        assertThat(number(cells[2])).as("F rec/s").isPositive();
        assertThat(number(cells[8])).as("checkpoints").isPositive();
        assertThat(number(cells[9])).as("largest checkpoint MB").isPositive();
    }

    private static double number(String cell) {
        return Double.parseDouble(cell.trim().replace(",", ""));
    }
}
