package io.waferflow.cli;

import io.waferflow.config.ConfigException;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.RawConfig;
import io.waferflow.jobs.DefinitionCheck;
import io.waferflow.serving.FeatureServer;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code serve}: the online store's features over HTTP/JSON until Ctrl-C or SIGTERM. */
@CommandLine.Command(
        name = "serve",
        description = {
            "serve online features over HTTP/JSON (batch reads, one Redis round trip per request)",
            "",
            "Answers POST /v1/features ({\"feature_group\", \"entities\": [...], \"features\", \"defaults\","
                    + " \"max_age\", \"version\"}) and GET /v1/features/{group}/{entity} from the Redis of the"
                    + " configuration, in the version the serving pointer names ('waferflow version'), with a status"
                    + " per feature (PRESENT, NULL, NOT_FOUND, STALE, DEFAULT). GET /health and GET /metrics"
                    + " (Prometheus) too, and GET /ui: a live page of the latest wafers with their maps, the drift"
                    + " status per parameter and the open alerts (with a token: /ui#token=<token>)."
                    + " Listens on serving.host:serving.port (127.0.0.1:8090); runs until Ctrl-C or"
                    + " SIGTERM. README \"Serving features\" has examples."
        })
public final class ServeCommand implements Command, Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Option(names = "--host", paramLabel = "ADDRESS", description = "listen address (default serving.host)")
    private String host;

    @Option(names = "--port", paramLabel = "PORT", description = "listen port, 0 for a free one (default serving.port)")
    private Integer port;

    @Option(names = "--cache", description = "keep rows in memory for serving.cache.ttl (serving.cache.enabled=true)")
    private boolean cache;

    @Mixin
    private ConfigOptions configOptions;

    private final PrintStream out;

    public ServeCommand() {
        this(System.out);
    }

    public ServeCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        List<String> overrides = new ArrayList<>(configOptions.overrides());
        if (host != null) {
            overrides.add("serving.host=" + host);
        }
        if (port != null) {
            overrides.add("serving.port=" + port);
        }
        if (cache) {
            overrides.add("serving.cache.enabled=true");
        }
        RawConfig raw = RawConfig.load(configOptions.file(), overrides);
        LOG.info("Configuration {}", raw);
        FeaturesJobConfig config = FeaturesJobConfig.from(raw);
        checkDefinition(config);
        CountDownLatch stopped = new CountDownLatch(1);
        FeatureServer server = FeatureServer.start(config);
        // Ctrl-C and SIGTERM: stop accepting, let requests in flight finish, close the Redis connections.
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            stopped.countDown();
                        },
                        "serve-shutdown"));
        out.println("serving " + config.featureGroup() + " at " + server.url() + " from Redis "
                + config.redisConnection() + (config.serving().token().isEmpty() ? "" : " (bearer token required)"));
        out.println("try: " + exampleCurl(server.url(), config.featureGroup(), "W0001"));
        out.println("live page: " + server.url() + "/ui"
                + (config.serving().token().isEmpty() ? "" : "#token=<token> (the token goes in the fragment)"));
        out.println("Ctrl-C stops");
        stopped.await();
        return 0;
    }

    /**
     * The configured version must be registered and its rows in Redis written with this definition. The server starts
     * while Redis is down (it answers 503 until Redis is back), so an unreachable Redis is a note here, not a refusal.
     */
    private void checkDefinition(FeaturesJobConfig config) {
        try {
            DefinitionCheck.verify(config, DefinitionCheck.Use.READ, DefinitionCheck.Use.NONE)
                    .forEach(out::println);
        } catch (ConfigException e) {
            throw e;
        } catch (RuntimeException e) {
            DefinitionCheck.verify(config, DefinitionCheck.Use.NONE, DefinitionCheck.Use.NONE)
                    .forEach(out::println);
            out.println("note: the definition was not compared with Redis's (" + e.getMessage() + ")");
        }
    }

    /** A request a user can paste: every feature of one wafer. */
    public static String exampleCurl(String url, String group, String wafer) {
        return "curl -s " + url + "/v1/features -H 'Content-Type: application/json' -d '{\"feature_group\": \"" + group
                + "\", \"entities\": [\"" + wafer + "\"]}'";
    }
}
