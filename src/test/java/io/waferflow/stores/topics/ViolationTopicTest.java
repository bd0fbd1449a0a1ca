package io.waferflow.stores.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.waferflow.TestConfigs;
import io.waferflow.config.ConfigException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The start-up check: no violation message can outgrow the producer's request limit. */
class ViolationTopicTest {

    private static void build(int prefix) {
        ViolationTopic.sink(TestConfigs.features("kafka.violations_payload_prefix_bytes=" + prefix));
    }

    @Test
    void theShippedPrefixFitsWithRoomToSpare() {
        int shipped = TestConfigs.features().violationsPayloadPrefixBytes();
        assertThat(shipped).isEqualTo(65_536);
        build(shipped);
        assertThat(ViolationTopic.maxRecordBytes(shipped)).isLessThan(KafkaTransactions.MAX_REQUEST_BYTES / 2);
    }

    @Test
    void aPrefixThatCouldOutgrowTheRequestLimitIsRefusedWithTheLargestThatFits() {
        Throwable refused = catchThrowable(() -> build(1_000_000));
        assertThat(refused)
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.violations_payload_prefix_bytes")
                .hasMessageContaining("max.request.size of 1048576");
        Matcher m = Pattern.compile("set at most (\\d+)").matcher(refused.getMessage());
        assertThat(m.find()).isTrue();
        int largest = Integer.parseInt(m.group(1));
        build(largest);
        assertThatThrownBy(() -> build(largest + 1)).isInstanceOf(ConfigException.class);
        assertThat(ViolationTopic.maxRecordBytes(largest)).isLessThanOrEqualTo(KafkaTransactions.MAX_REQUEST_BYTES);
    }
}
