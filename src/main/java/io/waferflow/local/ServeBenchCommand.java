package io.waferflow.local;

import io.waferflow.cli.Command;
import io.waferflow.cli.ConfigOptions;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.RawConfig;
import io.waferflow.local.services.LocalRedis;
import io.waferflow.serving.FeatureServer;
import io.waferflow.serving.ServedGroup;
import io.waferflow.stores.online.OnlineKeys;
import io.waferflow.stores.online.PackedFeatures;
import io.waferflow.stores.online.RedisClients;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * {@code bench serve}: latency and throughput of {@code waferflow serve}. Writes {@code --wafers} full feature rows
 * into a real redis-server, starts the feature server in a JVM of its own on loopback ({@link ServeBenchServer}; with
 * {@code --in-process}, in this JVM as before), and runs bounded closed loops: each of {@code C} clients sends a
 * request, waits for the answer, sends the next, until {@code --requests} answers or the time limit. Batches of 1, 10
 * and 100 random wafers × all features, cache off and on, at 1 client and at {@code --clients}. Server time comes from
 * each answer's {@code Server-Timing} (measured in the server); client time is from sending the request to having read
 * the whole answer. Per scenario it also prints the server JVM's GC pauses (from its {@code -Xlog:gc} file), the server
 * process's CPU time per answer and the load average, so one run gives the whole table.
 */
@CommandLine.Command(
        name = "serve",
        description = {
            "measure the feature API (waferflow serve): latency percentiles and requests/s",
            "",
            "Writes --wafers rows into a local redis-server, starts the server in its own JVM on loopback and runs"
                    + " closed-loop clients in this one (batches of 1, 10 and 100 wafers x all features, cache off"
                    + " and on, 1 client and --clients), each scenario bounded by --requests and --time-limit."
                    + " Prints p50/p95/p99/p99.9 of the server's own time and of the time the client saw,"
                    + " requests/s, the server JVM's GC pauses (count / mean / max ms), its CPU time per answer and"
                    + " the load average."
        })
public final class ServeBenchCommand implements Command, Callable<Integer> {

    @Option(names = "--wafers", paramLabel = "N", description = "rows written to Redis (default ${DEFAULT-VALUE})")
    private int wafers = 10_000;

    @Option(
            names = "--clients",
            paramLabel = "C",
            description = "concurrent clients of the throughput runs (default ${DEFAULT-VALUE})")
    private int clients = 4;

    @Option(
            names = "--requests",
            paramLabel = "N",
            description = "answers per scenario, at most (default ${DEFAULT-VALUE})")
    private int requests = 20_000;

    @Option(
            names = "--time-limit",
            paramLabel = "DURATION",
            description = "time per scenario, at most (default ${DEFAULT-VALUE})")
    private Duration timeLimit = Duration.ofSeconds(15);

    @Option(
            names = "--warmup",
            paramLabel = "N",
            description = "unmeasured requests before each scenario (default ${DEFAULT-VALUE})")
    private int warmup = 2_000;

    @Option(
            names = "--server-warmup",
            paramLabel = "DURATION",
            description = "unmeasured requests after each server start, all batch sizes (default ${DEFAULT-VALUE})")
    private Duration serverWarmup = Duration.ofSeconds(10);

    @Option(
            names = "--batches",
            paramLabel = "SIZES",
            split = ",",
            description = "wafers per request (default ${DEFAULT-VALUE})")
    private List<Integer> batches = List.of(1, 10, 100);

    @Option(
            names = "--cache-ttl",
            paramLabel = "DURATION",
            description = "row cache TTL of the cache-on runs (default ${DEFAULT-VALUE})")
    private Duration cacheTtl = Duration.ofSeconds(5);

    @Option(
            names = "--server-threads",
            paramLabel = "N",
            description = "the server's request threads (default: serving.threads of the configuration)")
    private Integer serverThreads;

    @Option(
            names = "--in-process",
            description = "run the server in this JVM, beside the clients (the bench before issue 13 part 2)")
    private boolean inProcess;

    @Option(
            names = "--server-jvm-options",
            paramLabel = "OPTIONS",
            description = "options of the server's JVM, space-separated (e.g. \"-Xmx1g -XX:+UseParallelGC\")")
    private String serverJvmOptions = "";

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "job configuration: the feature group (default ${DEFAULT-VALUE})")
    private String configFile = ConfigOptions.DEFAULT_FILE;

    /** One scenario's measurements. */
    private record Result(
            String cache,
            int batch,
            int clients,
            int answers,
            int errors,
            double seconds,
            long[] server,
            long[] client,
            GcPauses gc,
            double serverCpuMicrosPerAnswer,
            double load) {}

    /** The server a run measures: its port, and its GC pauses and CPU time since a mark. */
    private interface Target {
        int port();

        Object markGc() throws IOException;

        GcPauses gcSince(Object mark) throws IOException;

        /** The server process's CPU time so far (ns); -1 when unknown (in this JVM: the clients' would count). */
        long cpuNanos();
    }

    @Override
    public Integer call() throws Exception {
        try (LocalRedis redis = LocalRedis.start()) {
            List<String> base = new ArrayList<>(
                    List.of("redis.host=" + redis.host(), "redis.port=" + redis.port(), "serving.port=0"));
            if (serverThreads != null) {
                base.add("serving.threads=" + serverThreads);
            }
            FeaturesJobConfig config = FeaturesJobConfig.from(RawConfig.load(Path.of(configFile), base));
            ServedGroup group = ServedGroup.of(config);
            writeRows(config, group);
            Path gcLog = Files.createTempFile("serve-bench-gc", ".log");
            List<String> jvm = serverJvmOptions.isBlank()
                    ? List.of()
                    : List.of(serverJvmOptions.trim().split("\\s+"));
            System.out.printf(
                    "%,d wafers x %d features in redis-server %s; %d cores, Java %s; load average %.2f%n"
                            + "server on loopback %s%n",
                    wafers,
                    group.features().size(),
                    redis.address(),
                    Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"),
                    load(),
                    inProcess
                            ? "in this JVM (GC: this JVM's, clients included; no longest pause)"
                            : "in its own JVM" + (jvm.isEmpty() ? "" : " (" + String.join(" ", jvm) + ")")
                                    + "; its GC log " + gcLog);
            System.out.printf(
                    "%-5s %5s %7s %8s %6s %9s | %-36s | %-36s | %-18s | %9s | %5s%n",
                    "cache",
                    "batch",
                    "clients",
                    "answers",
                    "errors",
                    "req/s",
                    "server ms p50 / p95 / p99 / p99.9",
                    "client ms p50 / p95 / p99 / p99.9",
                    "GC n / mean / max",
                    "CPU us/req",
                    "load");
            for (boolean cache : List.of(false, true)) {
                List<String> overrides = new ArrayList<>(base);
                overrides.add("serving.cache.enabled=" + cache);
                overrides.add("serving.cache.ttl=" + cacheTtl.toMillis() + " ms");
                try (AutoCloseable server = inProcess ? inProcess(overrides) : inChild(overrides, jvm, gcLog)) {
                    Target target = (Target) server;
                    // A new server JVM interprets and compiles its code for seconds: without this, the first
                    // scenarios after each start measured the JIT (and its threads' CPU), not the server.
                    for (int batch : batches) {
                        run(
                                target,
                                group,
                                batch,
                                clients,
                                Integer.MAX_VALUE,
                                serverWarmup.dividedBy(batches.size()),
                                null);
                    }
                    for (int batch : batches) {
                        for (int n : clients == 1 ? List.of(1) : List.of(1, clients)) {
                            run(target, group, batch, n, warmup, timeLimit, null);
                            Result r = run(target, group, batch, n, requests, timeLimit, cache ? "on" : "off");
                            print(r);
                        }
                    }
                }
            }
            Files.deleteIfExists(gcLog);
        }
        return 0;
    }

    /** The server in this JVM (the bench before issue 13 part 2): its GC counts are this JVM's, clients included. */
    private AutoCloseable inProcess(List<String> overrides) throws IOException {
        FeaturesJobConfig c = FeaturesJobConfig.from(RawConfig.load(Path.of(configFile), overrides));
        FeatureServer server = FeatureServer.start(c.serving(), c.redisConnection(), ServedGroup.of(c));
        class InProcess implements Target, AutoCloseable {
            @Override
            public int port() {
                return server.port();
            }

            @Override
            public Object markGc() {
                return GcPauses.ofThisJvm();
            }

            @Override
            public GcPauses gcSince(Object mark) {
                return GcPauses.ofThisJvm().minus((GcPauses) mark);
            }

            @Override
            public long cpuNanos() {
                return -1;
            }

            @Override
            public void close() {
                server.close();
            }
        }
        return new InProcess();
    }

    /** The server in a JVM of its own ({@link ServeBenchServer}): its GC pauses from its log, its CPU from /proc. */
    private AutoCloseable inChild(List<String> overrides, List<String> jvm, Path gcLog) throws IOException {
        ServeBenchServer server = ServeBenchServer.start(configFile, overrides, jvm, gcLog);
        class Child implements Target, AutoCloseable {
            @Override
            public int port() {
                return server.port();
            }

            @Override
            public Object markGc() throws IOException {
                return GcPauses.markLog(gcLog);
            }

            @Override
            public GcPauses gcSince(Object mark) throws IOException {
                return GcPauses.fromLog((GcPauses.LogMark) mark);
            }

            @Override
            public long cpuNanos() {
                return server.cpuNanos();
            }

            @Override
            public void close() throws IOException {
                server.close();
            }
        }
        return new Child();
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private void writeRows(FeaturesJobConfig config, ServedGroup group) {
        SplittableRandom random = new SplittableRandom(42);
        long now = System.currentTimeMillis();
        try (Jedis jedis = RedisClients.jedis(config.redisConnection())) {
            Pipeline p = jedis.pipelined();
            List<String> features = group.features();
            String[] openings = PackedFeatures.openings(features);
            for (int w = 0; w < wafers; w++) {
                Map<String, String> row = new HashMap<>();
                String[] values = new String[features.size()];
                values[0] = Integer.toString(600 + random.nextInt(200));
                for (int f = 1; f < features.size(); f++) {
                    values[f] = Double.toString(random.nextDouble() * 100);
                }
                row.put(OnlineKeys.FEATURES, PackedFeatures.pack(openings, values));
                row.put(OnlineKeys.LOT_ID, "L" + w / 25);
                row.put(OnlineKeys.WINDOW_START, Long.toString(now - 300_000));
                row.put(OnlineKeys.WINDOW_END, Long.toString(now));
                row.put(OnlineKeys.REVISION, "0");
                row.put(OnlineKeys.FEATURE_VERSION, group.configuredVersion());
                row.put(OnlineKeys.JOB_VERSION, "bench");
                row.put(OnlineKeys.UPDATED_AT, Long.toString(now));
                p.hset(OnlineKeys.key(group.keyPrefix(), group.name(), group.configuredVersion(), wafer(w)), row);
                if (w % 1000 == 999) {
                    p.sync();
                }
            }
            p.sync();
        }
    }

    private static String wafer(int w) {
        return String.format("WB%06d", w);
    }

    /** Each wafer's id as a quoted JSON string, made once: the clients build no strings per request. */
    private byte[][] quotedIds() {
        byte[][] ids = new byte[wafers][];
        for (int w = 0; w < wafers; w++) {
            ids[w] = ("\"" + wafer(w) + "\"").getBytes(StandardCharsets.UTF_8);
        }
        return ids;
    }

    /**
     * A closed loop of {@code n} clients until {@code count} answers or the time limit; {@code label} null: warm-up.
     */
    private Result run(Target server, ServedGroup group, int batch, int n, int count, Duration limit, String label)
            throws Exception {
        byte[][] ids = quotedIds();
        byte[] head = ("{\"feature_group\":\"" + group.name() + "\",\"entities\":[").getBytes(StandardCharsets.UTF_8);
        AtomicLong issued = new AtomicLong();
        boolean measured = label != null;
        long[] serverNanos = new long[measured ? count : 0];
        long[] clientNanos = new long[measured ? count : 0];
        int[] errors = new int[n];
        long deadline = System.nanoTime() + limit.toNanos();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        Object gcMark = server.markGc();
        long cpuBefore = server.cpuNanos();
        long start = System.nanoTime();
        for (int t = 0; t < n; t++) {
            int client = t;
            Thread thread = new Thread(
                    () -> {
                        SplittableRandom random = new SplittableRandom(1000 + client);
                        ByteArrayOutputStream body = new ByteArrayOutputStream(64 + batch * 12);
                        try (LoopbackHttpConnection c =
                                new LoopbackHttpConnection("127.0.0.1", server.port(), "/v1/features")) {
                            while (System.nanoTime() < deadline) {
                                long i = issued.getAndIncrement();
                                if (i >= count) {
                                    break;
                                }
                                body(body, head, ids, batch, random);
                                long sent = System.nanoTime();
                                LoopbackHttpConnection.Answer a = c.post(body.toByteArray());
                                if (measured) {
                                    clientNanos[(int) i] = System.nanoTime() - sent;
                                    serverNanos[(int) i] = (long) (a.serverMillis() * 1e6);
                                }
                                if (a.status() != 200) {
                                    errors[client]++;
                                }
                            }
                        } catch (Exception e) {
                            failures.add(e);
                        }
                    },
                    "bench-client-" + t);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long cpuAfter = server.cpuNanos();
        GcPauses gc = server.gcSince(gcMark);
        if (!failures.isEmpty()) {
            throw new IllegalStateException("a client failed", failures.get(0));
        }
        int answers = measured ? (int) Math.min(issued.get(), count) : 0;
        // Requests issued after the deadline were never sent: keep the answered ones only.
        long[] s = Arrays.stream(serverNanos, 0, answers)
                .filter(v -> v > 0)
                .sorted()
                .toArray();
        long[] c = Arrays.stream(clientNanos, 0, answers)
                .filter(v -> v > 0)
                .sorted()
                .toArray();
        double cpuMicros =
                cpuBefore < 0 || cpuAfter < 0 || c.length == 0 ? Double.NaN : (cpuAfter - cpuBefore) / 1e3 / c.length;
        return new Result(label, batch, n, c.length, Arrays.stream(errors).sum(), seconds, s, c, gc, cpuMicros, load());
    }

    /** A request for {@code batch} random wafers, into {@code body} (reset first). */
    private void body(ByteArrayOutputStream body, byte[] head, byte[][] ids, int batch, SplittableRandom random) {
        body.reset();
        body.writeBytes(head);
        for (int i = 0; i < batch; i++) {
            if (i > 0) {
                body.write(',');
            }
            body.writeBytes(ids[random.nextInt(wafers)]);
        }
        body.write(']');
        body.write('}');
    }

    private static void print(Result r) {
        System.out.printf(
                "%-5s %5d %7d %,8d %6d %,9.0f | %-36s | %-36s | %-18s | %9s | %5.2f%n",
                r.cache(),
                r.batch(),
                r.clients(),
                r.answers(),
                r.errors(),
                r.answers() / r.seconds(),
                percentiles(r.server()),
                percentiles(r.client()),
                r.gc().text(),
                Double.isNaN(r.serverCpuMicrosPerAnswer())
                        ? "-"
                        : String.format(Locale.ROOT, "%.0f", r.serverCpuMicrosPerAnswer()),
                r.load());
    }

    private static String percentiles(long[] sorted) {
        if (sorted.length == 0) {
            return "-";
        }
        return String.format(
                "%.3f / %.3f / %.3f / %.3f", at(sorted, 0.50), at(sorted, 0.95), at(sorted, 0.99), at(sorted, 0.999));
    }

    /** The nearest-rank percentile, in ms. */
    private static double at(long[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))] / 1e6;
    }
}
