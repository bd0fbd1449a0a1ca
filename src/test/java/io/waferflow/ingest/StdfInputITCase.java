package io.waferflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.LocalServices;
import io.waferflow.testing.StdfFixture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The same tester files as {@code IngestStdfITCase}, read by the feature job directly ({@code features --source
 * stdf:DIR}: {@link StdfInput}, two readers, bounded): the same Redis hashes and Parquet rows, and the truncated file's
 * issue on the violation topic, through the job's own violation sink.
 */
@Timeout(300)
class StdfInputITCase {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices().withMiniCluster();

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void aDirectoryOfTesterFilesGivesTheSameFeatureRows() throws Exception {
        String name = "stdff";
        SERVICES.createTopics(name, 1);
        Path dir = tmp.resolve("stdf");
        StdfFixture fixture = StdfFixture.writeInto(dir);
        FeaturesJobConfig config = SERVICES.config(tmp, name, StdfFixture.SETTINGS);

        FeaturesJobRun.execute(
                config, StdfInput.source(config, new org.apache.flink.core.fs.Path(dir.toUri()), false), "stdf-files");

        try (Jedis jedis = SERVICES.jedis()) {
            fixture.assertStores(tmp.resolve("data"), jedis, name);
        }
        List<JsonNode> truncated = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : SERVICES.readCommitted(name + "-violations")) {
            JsonNode v = JSON.readTree(r.value());
            if (v.get("rule").asText().equals("stdf_truncated")) {
                truncated.add(v);
            }
        }
        assertThat(truncated).hasSize(1);
        assertThat(truncated.get(0).toString()).contains(fixture.truncatedFile());
    }
}
