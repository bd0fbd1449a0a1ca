package io.waferflow.stores.offline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A record's partition is the UTC date of its own event time, whatever order records come in. */
class EventDateBucketsTest {

    private final EventDateBuckets<Long> buckets = new EventDateBuckets<>("raw/", t -> t);

    @Test
    void eachRecordGoesUnderItsOwnUtcDateInAnyOrder() {
        assertThat(bucket("2026-11-27T00:00:00Z")).isEqualTo("raw/date=2026-11-27");
        assertThat(bucket("2026-11-27T23:59:59.999Z")).isEqualTo("raw/date=2026-11-27");
        assertThat(bucket("2026-11-28T00:00:00Z")).isEqualTo("raw/date=2026-11-28");
        assertThat(bucket("2026-11-27T12:00:00Z")).as("a late record").isEqualTo("raw/date=2026-11-27");
        assertThat(bucket("2026-11-28T00:00:00.001Z")).isEqualTo("raw/date=2026-11-28");
        assertThat(bucket("2027-01-01T00:00:00Z")).isEqualTo("raw/date=2027-01-01");
        assertThat(bucket("1969-12-31T23:59:59Z")).as("before 1970").isEqualTo("raw/date=1969-12-31");
        assertThat(bucket("1970-01-01T00:00:00Z")).isEqualTo("raw/date=1970-01-01");
    }

    private String bucket(String instant) {
        return buckets.getBucketId(Instant.parse(instant).toEpochMilli(), null);
    }
}
