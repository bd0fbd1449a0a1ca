package io.waferflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.TestConfigs;
import io.waferflow.testing.LocalServices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** How many Kafka readers the job runs: one per partition, never more than the job's parallelism. */
class KafkaInputReadersTest {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices();

    private int readers(String topic, String... more) {
        String[] overrides = new String[more.length + 3];
        overrides[0] = "kafka.bootstrap_servers=" + SERVICES.kafka().bootstrapServers();
        overrides[1] = "kafka.input_topic=" + topic;
        overrides[2] = "parallelism=2";
        System.arraycopy(more, 0, overrides, 3, more.length);
        return KafkaInput.readers(TestConfigs.features(overrides));
    }

    @Test
    void autoRunsOneReaderPerPartitionUpToTheParallelism() throws Exception {
        SERVICES.kafka().createTopic("one-partition", 1);
        SERVICES.kafka().createTopic("three-partitions", 3);
        assertThat(readers("one-partition")).isEqualTo(1);
        assertThat(readers("three-partitions")).isEqualTo(2);
    }

    @Test
    void anExplicitCountWinsAndAnUnknownTopicFallsBackToTheParallelism() {
        assertThat(readers("one-partition-or-not", "kafka.source_parallelism=4"))
                .isEqualTo(4);
        assertThat(readers("no-such-topic")).isEqualTo(2);
    }
}
