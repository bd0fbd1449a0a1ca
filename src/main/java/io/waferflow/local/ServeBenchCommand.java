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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
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
 * into a real redis-server, starts the feature server in this JVM on loopback, and runs bounded closed loops: each of
 * {@code C} clients sends a request, waits for the answer, sends the next, until {@code --requests} answers or the time
 * limit. Batches of 1, 10 and 100 random wafers × all features, cache off and on, at 1 client and at {@code --clients}.
 * Server time comes from each answer's {@code Server-Timing} (measured in the server); client time is from sending the
 * request to having read the whole answer.
 */
@CommandLine.Command(
        name = "serve",
        description = {
            "measure the feature API (waferflow serve): latency percentiles and requests/s",
            "",
            "Writes --wafers rows into a local redis-server, starts the server on loopback and runs closed-loop"
                    + " clients (batches of 1, 10 and 100 wafers x all features, cache off and on, 1 client and"
                    + " --clients), each scenario bounded by --requests and --time-limit. Prints p50/p95/p99/p99.9"
                    + " of the server's own time and of the time the client saw, and requests/s."
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
            long[] client) {}

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
            System.out.printf(
                    "%,d wafers x %d features in redis-server %s; %d cores, Java %s; server in this JVM on loopback%n",
                    wafers,
                    group.features().size(),
                    redis.address(),
                    Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"));
            System.out.printf(
                    "%-5s %5s %7s %8s %7s %9s | %-36s | %-36s%n",
                    "cache",
                    "batch",
                    "clients",
                    "answers",
                    "errors",
                    "req/s",
                    "server ms p50 / p95 / p99 / p99.9",
                    "client ms p50 / p95 / p99 / p99.9");
            for (boolean cache : List.of(false, true)) {
                List<String> overrides = new ArrayList<>(base);
                overrides.add("serving.cache.enabled=" + cache);
                overrides.add("serving.cache.ttl=" + cacheTtl.toMillis() + " ms");
                FeaturesJobConfig c = FeaturesJobConfig.from(RawConfig.load(Path.of(configFile), overrides));
                try (FeatureServer server = FeatureServer.start(c)) {
                    for (int batch : batches) {
                        for (int n : clients == 1 ? List.of(1) : List.of(1, clients)) {
                            run(server, group, batch, n, warmup, null);
                            Result r = run(server, group, batch, n, requests, cache ? "on" : "off");
                            print(r);
                        }
                    }
                }
            }
        }
        return 0;
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

    /**
     * A closed loop of {@code n} clients until {@code count} answers or the time limit; {@code label} null: warm-up.
     */
    private Result run(FeatureServer server, ServedGroup group, int batch, int n, int count, String label)
            throws Exception {
        AtomicLong issued = new AtomicLong();
        long[] serverNanos = new long[count];
        long[] clientNanos = new long[count];
        int[] errors = new int[n];
        long deadline = System.nanoTime() + timeLimit.toNanos();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < n; t++) {
            int client = t;
            Thread thread = new Thread(
                    () -> {
                        SplittableRandom random = new SplittableRandom(1000 + client);
                        try (LoopbackHttpConnection c =
                                new LoopbackHttpConnection("127.0.0.1", server.port(), "/v1/features")) {
                            while (System.nanoTime() < deadline) {
                                long i = issued.getAndIncrement();
                                if (i >= count) {
                                    break;
                                }
                                byte[] body = body(group.name(), batch, random);
                                long sent = System.nanoTime();
                                LoopbackHttpConnection.Answer a = c.post(body);
                                clientNanos[(int) i] = System.nanoTime() - sent;
                                serverNanos[(int) i] = (long) (a.serverMillis() * 1e6);
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
        if (!failures.isEmpty()) {
            throw new IllegalStateException("a client failed", failures.get(0));
        }
        int answers = (int) Math.min(issued.get(), count);
        // Requests issued after the deadline were never sent: keep the answered ones only.
        long[] s = Arrays.stream(serverNanos, 0, answers)
                .filter(v -> v > 0)
                .sorted()
                .toArray();
        long[] c = Arrays.stream(clientNanos, 0, answers)
                .filter(v -> v > 0)
                .sorted()
                .toArray();
        return new Result(label, batch, n, c.length, Arrays.stream(errors).sum(), seconds, s, c);
    }

    private byte[] body(String group, int batch, SplittableRandom random) {
        StringBuilder b = new StringBuilder(64 + batch * 12)
                .append("{\"feature_group\":\"")
                .append(group)
                .append("\",\"entities\":[");
        for (int i = 0; i < batch; i++) {
            b.append(i == 0 ? "\"" : ",\"")
                    .append(wafer(random.nextInt(wafers)))
                    .append('"');
        }
        return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void print(Result r) {
        System.out.printf(
                "%-5s %5d %7d %,8d %7d %,9.0f | %-36s | %-36s%n",
                r.cache(),
                r.batch(),
                r.clients(),
                r.answers(),
                r.errors(),
                r.answers() / r.seconds(),
                percentiles(r.server()),
                percentiles(r.client()));
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
