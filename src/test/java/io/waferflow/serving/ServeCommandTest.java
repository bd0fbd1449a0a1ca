package io.waferflow.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.testing.RedisServerProcess;
import io.waferflow.testing.WaferFlowProcess;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code waferflow serve} as a user runs it: its own process, serving until SIGTERM, then exiting cleanly. */
class ServeCommandTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void servesUntilSigterm() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start(dir.resolve("redis"));
                WaferFlowProcess serve = WaferFlowProcess.start(
                        dir.resolve("serve.log"),
                        List.of(
                                "serve",
                                "--port",
                                "0",
                                "--set",
                                "redis.host=" + redis.host(),
                                "--set",
                                "redis.port=" + redis.port()))) {
            Matcher url = Pattern.compile("serving wafer_aggregates at (http://127\\.0\\.0\\.1:\\d+)")
                    .matcher("");
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (!url.reset(serve.output()).find()) {
                assertThat(serve.isAlive()).as(serve.output()).isTrue();
                assertThat(System.nanoTime())
                        .as("no URL printed:\n" + serve.output())
                        .isLessThan(deadline);
                Thread.sleep(200);
            }
            assertThat(serve.output()).contains("try: curl -s " + url.group(1) + "/v1/features");

            FeatureClient client = new FeatureClient(URI.create(url.group(1)), null);
            FeatureClient.EntityFeatures none = client.feature("wafer_aggregates", "W0001");
            assertThat(none.statuses().values()).containsOnly(FeatureStatus.NOT_FOUND);

            serve.sigterm();
            assertThat(serve.awaitExit(Duration.ofSeconds(30))).isEqualTo(143); // 128 + SIGTERM, after the hooks
            assertThat(serve.output()).doesNotContain("Exception");
        }
    }
}
