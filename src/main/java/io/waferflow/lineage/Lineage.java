package io.waferflow.lineage;

import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineageClient;
import io.openlineage.client.transports.ApiKeyTokenProvider;
import io.openlineage.client.transports.FileConfig;
import io.openlineage.client.transports.FileTransport;
import io.openlineage.client.transports.HttpConfig;
import io.openlineage.client.transports.HttpTransport;
import io.openlineage.client.transports.Transport;
import io.waferflow.config.ConfigException;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.LineageConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Emits the OpenLineage run events of a configuration's job runs, through the transport its {@code lineage} section
 * names: JSON lines appended to a file (default {@code <offline.root>/_lineage/events.jsonl}) or HTTP POSTs to a
 * Marquez-compatible server. A run starts with {@link #start} and ends with {@link LineageRun#complete},
 * {@link LineageRun#fail} or {@link LineageRun#abort}.
 *
 * <p>An event that cannot be written is reported on stderr and in the log, and the job goes on: lineage describes a
 * run, it must not be the reason a feature pipeline stops.
 */
public final class Lineage implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Lineage.class);

    /** The events file under the offline root, when {@code lineage.file} is empty. */
    public static final String DEFAULT_FILE = "_lineage/events.jsonl";

    private final OpenLineageClient client;
    private final String destination;
    private final RunEvents events = new RunEvents();

    private Lineage(OpenLineageClient client, String destination) {
        this.client = client;
        this.destination = destination;
    }

    /** The emitter the configuration's {@code lineage} section describes (one that emits nothing when off). */
    public static Lineage open(FeaturesJobConfig config) {
        LineageConfig c = config.lineage();
        if (!c.emits()) {
            return new Lineage(null, "nowhere (lineage off)");
        }
        if (c.transport() == LineageConfig.Transport.HTTP) {
            HttpConfig http = new HttpConfig();
            http.setUrl(URI.create(c.url()));
            http.setEndpoint(c.endpoint());
            http.setTimeoutInMillis((int) c.timeout().toMillis());
            if (!c.token().isEmpty()) {
                ApiKeyTokenProvider token = new ApiKeyTokenProvider();
                token.setApiKey(c.token().value());
                http.setAuth(token);
            }
            return new Lineage(client(new HttpTransport(http)), c.url() + c.endpoint());
        }
        Path file = eventsFile(config);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the folder of the lineage events file " + file, e);
        }
        return new Lineage(client(new FileTransport(new FileConfig(file.toString()))), file.toString());
    }

    /** An emitter that emits nothing (a tool run without a configuration). */
    public static Lineage off() {
        return new Lineage(null, "nowhere (lineage off)");
    }

    /** The JSON-lines file events go to with {@code transport: file}: {@code lineage.file}, else under the root. */
    public static Path eventsFile(FeaturesJobConfig config) {
        String file = config.lineage().file();
        String root = config.offlineRootUri();
        URI uri = file.isBlank()
                ? URI.create(root.endsWith("/") ? root : root + "/").resolve(DEFAULT_FILE)
                : URI.create(FeaturesJobConfig.toUri(file));
        if (!"file".equals(uri.getScheme())) {
            throw new ConfigException(
                    "lineage.file",
                    "would be " + uri + ", which is not on a local file system",
                    "set lineage.file to a local path, or lineage.transport to http");
        }
        return Path.of(uri);
    }

    private static OpenLineageClient client(Transport transport) {
        return OpenLineageClient.builder().transport(transport).build();
    }

    /** Where events go, for messages. */
    public String destination() {
        return destination;
    }

    /** Starts a run of {@code job}: emits its START event. */
    public LineageRun start(LineageJob job) {
        LineageRun run = new LineageRun(this, job);
        run.emitStart();
        return run;
    }

    /**
     * Runs {@code body} as a run of {@code job} under the configuration's lineage settings: START, then COMPLETE, FAIL
     * or ABORT as {@code body} ends ({@link LineageRun#around}).
     */
    public static <T> T track(FeaturesJobConfig config, LineageJob job, Callable<T> body) throws Exception {
        try (Lineage lineage = open(config)) {
            return lineage.start(job).around(body);
        }
    }

    void emit(OpenLineage.RunEvent event) {
        if (client == null) {
            return;
        }
        try {
            client.emit(event);
        } catch (RuntimeException e) {
            LOG.warn(
                    "OpenLineage {} event of {} not written to {}",
                    event.getEventType(),
                    event.getJob().getName(),
                    destination,
                    e);
            System.err.println("waferflow: lineage event " + event.getEventType() + " not written to " + destination
                    + " (" + e.getMessage() + ")");
        }
    }

    RunEvents events() {
        return events;
    }

    @Override
    public void close() {
        if (client != null) {
            try {
                client.close();
            } catch (Exception e) {
                LOG.warn("closing the OpenLineage client", e);
            }
        }
    }
}
