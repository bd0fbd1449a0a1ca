package io.waferflow.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A row read from Redis ({@code features}, window_start, window_end, revision, feature_version) as the server holds it:
 * each feature's text and kind at its position, whatever order the packed object has, and the metadata parsed.
 */
class StoredRowTest {

    private static final Map<String, Integer> POSITIONS = Map.of("a", 0, "b", 1, "c", 2, "d", 3, "e", 4);

    private static String text(StoredRow row, int position) {
        return row.text().substring(row.start(position), row.start(position) + row.length(position));
    }

    @Test
    void eachFeatureKeepsItsTextAndKindAtItsPosition() {
        String version = new String("v1"); // not the literal: the row must share this instance
        StoredRow row = StoredRow.of(
                new String[] {"{\"d\":\"Infinity\",\"b\":null,\"a\":93.5,\"x\":1,\"c\":1.0E-5}", "100", "400", "2", "v1"
                },
                POSITIONS,
                5,
                version);

        assertThat(row.found()).isTrue();
        assertThat(row.kind(0)).isEqualTo(StoredRow.Kind.NUMBER);
        assertThat(text(row, 0)).isEqualTo("93.5");
        assertThat(row.kind(1)).isEqualTo(StoredRow.Kind.NULL);
        assertThat(row.kind(2)).isEqualTo(StoredRow.Kind.NUMBER);
        assertThat(text(row, 2)).isEqualTo("1.0E-5");
        assertThat(row.kind(3)).isEqualTo(StoredRow.Kind.OTHER);
        assertThat(text(row, 3)).isEqualTo("Infinity");
        assertThat(row.kind(4)).isEqualTo(StoredRow.Kind.ABSENT);
        assertThat(row.number(0)).isEqualTo(93.5);
        assertThat(row.number(1)).isNull();
        assertThat(row.number(3)).isNull();
        assertThat(row.number(4)).isNull();
        assertThat(row.hasWindowStart() && row.hasWindowEnd() && row.hasRevision())
                .isTrue();
        assertThat(row.windowStart()).isEqualTo(100L);
        assertThat(row.windowEnd()).isEqualTo(400L);
        assertThat(row.revision()).isEqualTo(2L);
        assertThat(row.featureVersion()).isSameAs(version);
    }

    @Test
    void metadataThatIsNotAWholeNumberIsNull() {
        StoredRow row = StoredRow.of(new String[] {null, "12x", null, "-3", "v2"}, POSITIONS, 5, "v1");

        assertThat(row.found()).isTrue();
        assertThat(row.hasWindowStart()).isFalse();
        assertThat(row.hasWindowEnd()).isFalse();
        assertThat(row.hasRevision()).isTrue();
        assertThat(row.revision()).isEqualTo(-3L);
        assertThat(row.featureVersion()).isEqualTo("v2");
        assertThat(row.kind(0)).isEqualTo(StoredRow.Kind.ABSENT);
    }

    @Test
    void aHashWithNothingOfTheGroupIsNoRow() {
        assertThat(StoredRow.of(new String[5], POSITIONS, 5, "v1")).isSameAs(StoredRow.ABSENT);
        // A packed field that names none of the group's features, and no metadata: as the per-field reader saw it.
        assertThat(StoredRow.of(new String[] {"{\"x\":1}", null, null, null, null}, POSITIONS, 5, "v1")
                        .found())
                .isFalse();
        assertThat(StoredRow.ABSENT.kind(0)).isEqualTo(StoredRow.Kind.ABSENT);
    }

    @Test
    void aFeatureNamedTwiceKeepsTheLastValue() {
        StoredRow row = StoredRow.of(new String[] {"{\"a\":1,\"a\":2}", null, null, null, null}, POSITIONS, 5, "v1");

        assertThat(text(row, 0)).isEqualTo("2");
    }

    @Test
    void aValueThatIsNotAPackedRowIsRefused() {
        assertThatThrownBy(() -> StoredRow.of(new String[] {"{\"a\":[1]}", null, null, null, null}, POSITIONS, 5, "v1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a packed feature row");
    }
}
