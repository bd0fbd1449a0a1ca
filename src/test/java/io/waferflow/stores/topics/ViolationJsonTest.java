package io.waferflow.stores.topics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waferflow.model.Severity;
import io.waferflow.model.Violation;
import java.nio.CharBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ViolationJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTROL = String.valueOf((char) 1);
    private static final String EMOJI = new String(Character.toChars(0x1F600));

    private static Violation violation(String text, String raw) {
        Violation v = new Violation(text, text, text, text, Severity.HIGH);
        v.lotId = text;
        v.waferId = text;
        v.deviceId = text;
        v.eventTime = Long.MIN_VALUE;
        v.observedAt = Long.MIN_VALUE;
        v.quarantined = true;
        v.rawPayload = raw;
        v.rawPayloadBytes = Long.MAX_VALUE;
        v.rawPayloadSha256 = "f".repeat(64);
        return v;
    }

    @Test
    void theWorstCaseStaysWithinTheBoundTheStartUpCheckUses() throws Exception {
        // Control characters escape to six bytes each: the most any character or UTF-8 byte can grow.
        for (int prefix : new int[] {0, 1, 65_536, 166_000}) {
            Violation v = violation(CONTROL.repeat(5_000), CONTROL.repeat(1_000_000));
            byte[] json = ViolationJson.toJson(v, prefix);
            assertThat((long) json.length).as("prefix " + prefix).isLessThanOrEqualTo(ViolationJson.maxBytes(prefix));
            // Not a loose bound: the worst case comes within a few hundred bytes of it.
            assertThat(ViolationJson.maxBytes(prefix) - json.length)
                    .as("prefix " + prefix)
                    .isLessThan(1_024);
            JsonNode node = JSON.readTree(json);
            assertThat(node.path("raw_payload").asText()).hasSize(prefix);
            for (String field : List.of("rule", "field", "value", "expected", "lot_id", "wafer_id", "device_id")) {
                assertThat(node.path(field).asText()).as(field).isEqualTo(CONTROL.repeat(1_024));
            }
            List<String> cut = new ArrayList<>();
            node.path("truncated_fields").forEach(f -> cut.add(f.asText()));
            assertThat(cut)
                    .containsExactly(
                            "rule", "field", "value", "expected", "lot_id", "wafer_id", "device_id", "raw_payload");
        }
    }

    @Test
    void aSmallViolationIsWrittenWholeWithItsPayloadsSizeAndHash() throws Exception {
        Violation v = violation("x", "{\"wafer_id\":\"W1\"}");
        v.rawPayloadBytes = 17L;
        v.rawPayloadSha256 = "ab".repeat(32);
        JsonNode node = JSON.readTree(ViolationJson.toJson(v, 65_536));
        assertThat(node.path("raw_payload").asText()).isEqualTo("{\"wafer_id\":\"W1\"}");
        assertThat(node.path("raw_payload_bytes").asLong()).isEqualTo(17L);
        assertThat(node.path("raw_payload_sha256").asText()).isEqualTo("ab".repeat(32));
        assertThat(node.path("truncated_fields").size()).isZero();
        assertThat(node.path("wafer_id").asText()).isEqualTo("x");
        assertThat(ViolationJson.key(v)).isEqualTo("x");
    }

    @Test
    void aViolationWithoutRawPayloadHasNullsForIt() throws Exception {
        Violation v = new Violation(Violation.RULE_RANGE, "vdd", "1.5", "[1.0, 1.4]", Severity.MEDIUM);
        JsonNode node = JSON.readTree(ViolationJson.toJson(v, 65_536));
        assertThat(node.path("raw_payload").isNull()).isTrue();
        assertThat(node.path("raw_payload_bytes").isNull()).isTrue();
        assertThat(node.path("raw_payload_sha256").isNull()).isTrue();
        assertThat(ViolationJson.key(v)).isNull();
    }

    @Test
    void cutsNeverSplitACharacter() throws Exception {
        // 'a' then emoji (4 UTF-8 bytes, 2 chars each): 1 + 4k bytes fit exactly, anything in between rounds down.
        String raw = "a" + EMOJI.repeat(100);
        for (int prefix = 0; prefix <= 12; prefix++) {
            String kept = JSON.readTree(ViolationJson.toJson(violation("x", raw), prefix))
                    .path("raw_payload")
                    .asText();
            int expectedBytes = prefix == 0 ? 0 : 1 + 4 * ((prefix - 1) / 4);
            assertThat(kept.getBytes(StandardCharsets.UTF_8))
                    .as("prefix " + prefix)
                    .hasSize(expectedBytes);
            assertThat(raw).startsWith(kept);
            // Throws on half a surrogate pair.
            StandardCharsets.UTF_8
                    .newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(kept));
        }
        // A text field of 1023 chars and an emoji: 1025 chars, cut before the emoji rather than through it.
        String id = "W".repeat(1_023) + EMOJI;
        Violation v = violation(id, "");
        assertThat(JSON.readTree(ViolationJson.toJson(v, 10)).path("wafer_id").asText())
                .isEqualTo("W".repeat(1_023));
        assertThat(ViolationJson.key(v)).isEqualTo("W".repeat(1_023));
    }
}
