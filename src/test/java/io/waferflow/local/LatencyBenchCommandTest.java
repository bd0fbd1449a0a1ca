package io.waferflow.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.testing.LogCapture;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code bench latency} for 20 s of real-time records in 5 s windows: rows reach Redis, and their delay from the
 * window's end is at least the watermark's out-of-orderness (10 s in jobs/features.yaml: a window cannot fire earlier)
 * and, on a machine that keeps up with 400 records/s, not much more.
 */
class LatencyBenchCommandTest {

    private static final Pattern SUMMARY = Pattern.compile(
            "([\\d,]+) rows: delay from window end to Redis p50 ([\\d,]+) ms, p95 [\\d,]+, p99 ([\\d,]+),");

    @Test
    void rowsArriveAnOutOfOrdernessAfterTheirWindowEnds() throws Exception {
        String printed;
        int code;
        try (LogCapture capture = LogCapture.start(Level.WARN, Map.of())) {
            code = new CommandLine(new BenchCommand())
                    .execute("latency", "--rate", "400", "--duration", "20 s", "--window", "5 s");
            printed = capture.printed();
        }

        assertThat(code).as(printed).isZero();
        Matcher m = SUMMARY.matcher(printed);
        assertThat(m.find()).as(printed).isTrue();
        assertThat(number(m.group(1))).as("rows").isPositive();
        assertThat(number(m.group(2))).as("p50 ms").isBetween(10_000L, 20_000L);
        assertThat(number(m.group(3))).as("p99 ms").isGreaterThanOrEqualTo(number(m.group(2)));
    }

    private static long number(String s) {
        return Long.parseLong(s.replace(",", ""));
    }
}
