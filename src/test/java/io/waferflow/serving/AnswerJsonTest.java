package io.waferflow.serving;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Stored values are copied into answers as they are, so only JSON numbers may pass: an answer is always JSON. */
class AnswerJsonTest {

    @ParameterizedTest
    @ValueSource(strings = {"93.5", "700", "-0.25", "0", "1.0E-5", "6.02e+23", "1.7976931348623157E308"})
    void javaDoublesAndWholeNumbersAreWrittenAsStored(String stored) {
        assertThat(AnswerJson.isJsonNumber(stored)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "NaN", "Infinity", "-Infinity", "1.", ".5", "01", "1e", "0x1p3", " 1", "1d", "--1"})
    void anythingElseIsNotANumber(String stored) {
        assertThat(AnswerJson.isJsonNumber(stored)).isFalse();
    }
}
