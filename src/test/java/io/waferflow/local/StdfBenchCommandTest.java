package io.waferflow.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.local.stdf.StdfWaferGenerator;
import io.waferflow.testing.LogCapture;
import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code bench stdf} on a tiny wafer: every file and every pass gets a line with a speed. */
class StdfBenchCommandTest {

    @Test
    void everyFileAndPassIsTimed(@TempDir Path dir) throws Exception {
        String printed;
        int code;
        try (LogCapture capture = LogCapture.start(Level.WARN, Map.of())) {
            code = new CommandLine(new StdfBenchCommand())
                    .execute("--parts", "24", "--tests", "6", "--runs", "1", "--keep", dir.toString());
            printed = capture.printed();
        }

        assertThat(code).isZero();
        for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            new StdfWaferGenerator(24, 6, 4, 16).write(expected, order);
            String name = order == ByteOrder.LITTLE_ENDIAN ? "wafer-le.stdf" : "wafer-be.stdf";
            assertThat(Files.readAllBytes(dir.resolve(name))).isEqualTo(expected.toByteArray());
            assertThat(dir.resolve(name + ".gz")).exists();
            assertThat(dir.resolve(name + ".bz2")).exists();
        }
        List<String> rows = printed.lines()
                .filter(l -> l.matches("^(le|be) (plain|gzip|bzip2) .*"))
                .filter(l -> l.contains("/s") || l.matches(".*\\d+\\.\\d\\s.*"))
                .toList();
        for (String file : List.of("le plain", "le gzip", "le bzip2", "be plain", "be gzip", "be bzip2")) {
            for (StdfParsePass pass : StdfParsePass.values()) {
                assertThat(rows).as("%s / %s", file, pass.label).anySatisfy(l -> {
                    assertThat(l).startsWith(file).contains(pass.label);
                    double mbs = Double.parseDouble(l.substring(l.indexOf(pass.label) + pass.label.length())
                            .trim()
                            .split("\\s+")[0]);
                    assertThat(mbs).isPositive();
                });
            }
        }
        assertThat(Arrays.stream(StdfParsePass.values()).map(p -> p.label)).doesNotHaveDuplicates();
    }
}
