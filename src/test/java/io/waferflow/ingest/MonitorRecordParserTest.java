package io.waferflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.model.ParsedMonitorRecord;
import io.waferflow.model.Violation;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MonitorRecordParserTest {

    private static final MonitorRecordParser PREDICTIONS =
            new MonitorRecordParser(MonitorRecordParser.Kind.PREDICTION, 4_096, 64);
    private static final MonitorRecordParser ACTUALS =
            new MonitorRecordParser(MonitorRecordParser.Kind.ACTUAL, 4_096, 64);

    private static ParsedMonitorRecord parse(MonitorRecordParser parser, String json) {
        return new MonitorRecordDeserializer(parser).parse(json.getBytes(StandardCharsets.UTF_8), 42L);
    }

    @Test
    void classificationPredictionWithScoreAndInputs() {
        ParsedMonitorRecord r = parse(PREDICTIONS, """
                {"prediction_id": "yield_class/1/W0001-03", "model": "yield_class", "model_version": "1",
                 "entity": "W0001-03", "event_time": "2026-12-04T04:00:00Z", "prediction": "low", "score": 0.83,
                 "features": {"vdd_mean": 1.21, "idd_mean": null}}""");
        assertThat(r.violations).isEmpty();
        assertThat(r.quarantined()).isFalse();
        assertThat(r.prediction.predictionId).isEqualTo("yield_class/1/W0001-03");
        assertThat(r.prediction.modelKey()).isEqualTo("yield_class/1");
        assertThat(r.prediction.entity).isEqualTo("W0001-03");
        assertThat(r.prediction.eventTime)
                .isEqualTo(Instant.parse("2026-12-04T04:00:00Z").toEpochMilli());
        assertThat(r.prediction.predictedClass).isEqualTo("low");
        assertThat(r.prediction.score).isEqualTo(0.83);
        assertThat(r.prediction.value).isNaN();
        assertThat(r.prediction.featureNames).containsExactly("vdd_mean", "idd_mean");
        assertThat(r.prediction.featureValues[0]).isEqualTo(1.21);
        assertThat(r.prediction.featureValues[1]).isNaN();
        assertThat(r.prediction.observedAt).isEqualTo(42L);
        assertThat(r.eventTimeForWatermarks()).isEqualTo(r.prediction.eventTime);
    }

    @Test
    void regressionPredictionAndActualsWithEpochMillis() {
        ParsedMonitorRecord p = parse(PREDICTIONS, """
                {"prediction_id": "p", "model": "m", "model_version": "2", "entity": "W", "event_time": 1000,
                 "prediction": 0.93}""");
        assertThat(p.violations).isEmpty();
        assertThat(p.prediction.value).isEqualTo(0.93);
        assertThat(p.prediction.isClassification()).isFalse();
        assertThat(p.prediction.eventTime).isEqualTo(1000L);
        ParsedMonitorRecord a = parse(ACTUALS, "{\"prediction_id\": \"p\", \"actual\": 0.91, \"event_time\": 2000}");
        assertThat(a.violations).isEmpty();
        assertThat(a.actual.actualValue).isEqualTo(0.91);
        assertThat(a.actual.actualClass).isNull();
        ParsedMonitorRecord c = parse(ACTUALS, """
                {"prediction_id": "p", "actual": "low", "event_time": "2026-12-04T05:00:00.250+01:00"}""");
        assertThat(c.actual.actualClass).isEqualTo("low");
        assertThat(c.actual.eventTime)
                .isEqualTo(Instant.parse("2026-12-04T04:00:00.250Z").toEpochMilli());
    }

    /** A sound prediction with {@code field} set to the JSON text {@code value} ("-": left out). */
    private static String predictionWith(String field, String value) {
        java.util.Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("prediction_id", "\"p\"");
        fields.put("model", "\"m\"");
        fields.put("model_version", "\"1\"");
        fields.put("entity", "\"W\"");
        fields.put("event_time", "1");
        fields.put("prediction", "\"a\"");
        fields.put("features", "{\"vdd\": 1.2}");
        if (value.equals("-")) {
            fields.remove(field);
        } else {
            fields.put(field, value);
        }
        StringBuilder json = new StringBuilder("{");
        fields.forEach((k, v) -> json.append(json.length() > 1 ? ", " : "")
                .append('"')
                .append(k)
                .append("\": ")
                .append(v));
        return json.append('}').toString();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "prediction_id|-|required|prediction_id",
                "model_version|1|type|model_version",
                "prediction|1e999|non_finite|prediction",
                "prediction_id|\" \"|blank|prediction_id",
                "event_time|\"yesterday\"|type|event_time",
                "prediction|true|type|prediction",
                "features|{\"vdd\": \"x\"}|type|features.vdd",
                "features|[1]|type|features",
                "score|\"high\"|type|score",
            })
    void badPredictionsAreQuarantinedWithTheirRule(String field, String value, String rule, String violated) {
        assertQuarantined(predictionWith(field, value), rule, violated);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "not json at all|unparseable",
                "[1, 2]|not_an_object",
                "{\"prediction_id\": \"p\", \"prediction_id\": \"q\"}|unparseable",
            })
    void unreadableMessagesAreQuarantined(String json, String rule) {
        assertQuarantined(json, rule, "");
    }

    private static void assertQuarantined(String json, String rule, String field) {
        ParsedMonitorRecord r = parse(PREDICTIONS, json);
        assertThat(r.quarantined()).isTrue();
        assertThat(r.eventTimeForWatermarks()).isEqualTo(Long.MIN_VALUE);
        assertThat(Arrays.stream(r.violations).map(v -> v.rule + ":" + v.field)).contains(rule + ":" + field);
        for (Violation v : r.violations) {
            assertThat(v.quarantined).isTrue();
            assertThat(v.rawPayload).isEqualTo(json);
            assertThat(v.observedAt).isEqualTo(42L);
        }
    }

    @Test
    void oversizedTombstoneAndBadActualsAreQuarantined() {
        ParsedMonitorRecord big = parse(ACTUALS, "{\"x\": \"" + "a".repeat(5_000) + "\"}");
        assertThat(big.violations).extracting(v -> v.rule).containsExactly(Violation.RULE_TOO_LARGE);
        ParsedMonitorRecord tombstone = new MonitorRecordDeserializer(ACTUALS).parse(null, 1L);
        assertThat(tombstone.quarantined()).isTrue();
        ParsedMonitorRecord missing = parse(ACTUALS, "{\"prediction_id\": \"p\", \"event_time\": 1}");
        assertThat(missing.violations).extracting(v -> v.rule + ":" + v.field).containsExactly("required:actual");
        assertThat(missing.violations[0].deviceId)
                .as("the prediction id, where known")
                .isEqualTo("p");
        ParsedMonitorRecord tooLong = parse(
                ACTUALS, "{\"prediction_id\": \"" + "p".repeat(65) + "\", \"actual\": 1," + " \"event_time\": 1}");
        assertThat(tooLong.violations).extracting(v -> v.rule).containsExactly(Violation.RULE_TOO_LONG);
    }
}
