package io.waferflow.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Lines of Java source are at most 120 characters. The formatter (Spotless, palantir-java-format, checked by the build)
 * keeps code within that but leaves long string literals and comments as written: this test catches those.
 */
class LineLengthTest {

    static final int LIMIT = 120;

    @Test
    void noLineIsLongerThan120Characters() throws IOException {
        List<String> longLines = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).length() > LIMIT) {
                        longLines.add(file + ":" + (i + 1) + " (" + lines.get(i).length() + " characters)");
                    }
                }
            }
        }
        assertThat(longLines).as("lines over %d characters", LIMIT).isEmpty();
    }
}
