package io.waferflow.local;

import io.waferflow.cli.Command;
import io.waferflow.cli.ConfigOptions;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.RawConfig;
import io.waferflow.config.StdfConfig;
import io.waferflow.local.stdf.StdfWaferGenerator;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code bench stdf}: single-thread parse speed of STDF files. Writes one synthetic wafer ({@link StdfWaferGenerator})
 * in both byte orders, plain, gzip and bzip2, into a temporary directory, then times each reading pass
 * ({@link StdfParsePass}: records, typed records, parts with the configuration's {@code stdf:} section) over each file
 * on this thread: one warm-up round, then {@code --runs} rounds alternating the order. MB/s are of uncompressed STDF
 * bytes per second of wall time; MB per CPU-second uses this thread's CPU time, which other processes on a shared
 * machine disturb less. One thread reads, so MB/s is per core (the JVM's GC and JIT threads come on top).
 */
@CommandLine.Command(
        name = "stdf",
        description = {
            "measure STDF parsing: MB/s per core of the record reader, the typed decoder and the part assembler",
            "",
            "Writes a synthetic wafer (--parts parts, --tests parametric tests each, 4 sites interleaved, limits on"
                    + " each test's first PTR) in both byte orders, plain, gzip and bzip2, then times single-threaded"
                    + " reading passes over each file: one warm-up round and --runs rounds alternating the order."
                    + " Prints the median MB/s (uncompressed STDF), MB per CPU-second and records/s of each."
        })
public final class StdfBenchCommand implements Command, Callable<Integer> {

    @Option(names = "--parts", paramLabel = "N", description = "parts on the wafer (default ${DEFAULT-VALUE})")
    private int parts = 10_000;

    @Option(names = "--tests", paramLabel = "M", description = "parametric tests per part (default ${DEFAULT-VALUE})")
    private int tests = 100;

    @Option(names = "--sites", paramLabel = "S", description = "sites tested in parallel (default ${DEFAULT-VALUE})")
    private int sites = 4;

    @Option(names = "--runs", paramLabel = "R", description = "timed rounds (default ${DEFAULT-VALUE})")
    private int runs = 5;

    @Option(
            names = "--plain-only",
            description = "only the uncompressed files (the issue's goal is on those; bzip2 is slow to read)")
    private boolean plainOnly;

    @Option(names = "--keep", paramLabel = "DIR", description = "write the files here and keep them")
    private Path keep;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "job configuration whose stdf: section the part passes use (default ${DEFAULT-VALUE})")
    private String configFile = ConfigOptions.DEFAULT_FILE;

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private long checksums;

    enum Compression {
        PLAIN(""),
        GZIP(".gz"),
        BZIP2(".bz2");

        final String suffix;

        Compression(String suffix) {
            this.suffix = suffix;
        }

        OutputStream wrap(OutputStream out) throws IOException {
            return switch (this) {
                case PLAIN -> out;
                case GZIP -> new GZIPOutputStream(out, 1 << 16);
                case BZIP2 -> new BZip2CompressorOutputStream(out);
            };
        }
    }

    /** A written file: uncompressed STDF bytes and bytes on disk. */
    record Input(String label, Path path, long stdfBytes, long fileBytes) {}

    /** One timed pass. */
    record Sample(double seconds, double cpuSeconds, long records) {}

    @Override
    public Integer call() throws Exception {
        Path dir = keep != null ? Files.createDirectories(keep) : Files.createTempDirectory("waferflow-stdf-bench");
        try {
            StdfConfig config = FeaturesJobConfig.from(RawConfig.load(Path.of(configFile), List.of()))
                    .stdf();
            List<Input> inputs = write(dir);
            List<StdfParsePass> passes = new ArrayList<>(EnumSet.allOf(StdfParsePass.class));
            System.out.printf(
                    "%d cores, Java %s, max heap %d MB; %d parts x %d tests, %d sites%n",
                    Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"),
                    Runtime.getRuntime().maxMemory() >> 20,
                    parts,
                    tests,
                    sites);
            for (Input in : inputs) {
                System.out.printf(
                        "  %-22s %,8.1f MB STDF, %,8.1f MB on disk%n",
                        in.label, in.stdfBytes / 1e6, in.fileBytes / 1e6);
            }
            List<Runnable> cells = new ArrayList<>();
            Map<String, List<Sample>> samples = new LinkedHashMap<>();
            for (Input in : inputs) {
                for (StdfParsePass pass : passes) {
                    List<Sample> list = new ArrayList<>();
                    samples.put(key(in, pass), list);
                    cells.add(() -> list.add(time(pass, in, config)));
                }
            }
            System.out.println("warm-up round ...");
            for (Runnable cell : cells) {
                cell.run();
            }
            samples.values().forEach(List::clear);
            for (int run = 1; run <= runs; run++) {
                // Alternate the order between rounds, so warm-up and the machine's drift favour no cell.
                List<Runnable> order = new ArrayList<>(cells);
                if (run % 2 == 0) {
                    Collections.reverse(order);
                }
                order.forEach(Runnable::run);
                System.out.printf("round %d of %d done%n", run, runs);
            }
            print(inputs, passes, samples);
            return 0;
        } finally {
            if (keep == null) {
                deleteRecursively(dir);
            }
        }
    }

    private List<Input> write(Path dir) throws IOException {
        StdfWaferGenerator generator = new StdfWaferGenerator(parts, tests, sites, 16);
        List<Input> out = new ArrayList<>();
        for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
            String endian = order == ByteOrder.LITTLE_ENDIAN ? "le" : "be";
            long stdfBytes = 0;
            for (Compression c : Compression.values()) {
                if (plainOnly && c != Compression.PLAIN) {
                    continue;
                }
                Path file = dir.resolve("wafer-" + endian + ".stdf" + c.suffix);
                long start = System.nanoTime();
                try (OutputStream os = c.wrap(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
                        OutputStream buffered = new BufferedOutputStream(os, 1 << 16)) {
                    generator.write(buffered, order);
                }
                if (c == Compression.PLAIN) {
                    stdfBytes = Files.size(file);
                }
                System.out.printf("wrote %s in %.1f s%n", file.getFileName(), (System.nanoTime() - start) / 1e9);
                String label = endian + " " + c.name().toLowerCase(java.util.Locale.ROOT);
                out.add(new Input(label, file, stdfBytes, Files.size(file)));
            }
        }
        return out;
    }

    private Sample time(StdfParsePass pass, Input in, StdfConfig config) {
        try {
            long cpu = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            StdfParsePass.Result result = pass.run(in.path, config);
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpu) / 1e9;
            checksums += result.checksum(); // a field the JIT must keep: the work cannot be dropped
            if (result.parts() >= 0 && (result.parts() != parts || result.issues() != 0)) {
                // The synthetic wafer is clean: anything else means the bench would time an error path.
                throw new IllegalStateException(pass.label + " read " + result.parts() + " parts and " + result.issues()
                        + " issues from " + in.path + ", expected " + parts + " parts, no issue");
            }
            return new Sample(seconds, cpuSeconds, result.records());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void print(List<Input> inputs, List<StdfParsePass> passes, Map<String, List<Sample>> samples) {
        System.out.printf("%nmedians of %d rounds (MB = 10^6 bytes of uncompressed STDF; [min..max] MB/s)%n", runs);
        System.out.printf(
                "%-12s %-24s %10s %16s %12s %14s%n", "file", "pass", "MB/s", "[min..max]", "MB/CPU-s", "records/s");
        for (Input in : inputs) {
            for (StdfParsePass pass : passes) {
                List<Sample> s = samples.get(key(in, pass));
                List<Double> mbs =
                        s.stream().map(x -> in.stdfBytes / 1e6 / x.seconds).toList();
                double cpuMbs = BenchCommand.median(
                        s.stream().map(x -> in.stdfBytes / 1e6 / x.cpuSeconds).toList());
                double recs = BenchCommand.median(
                        s.stream().map(x -> x.records / x.seconds).toList());
                System.out.printf(
                        "%-12s %-24s %10.1f %16s %12.1f %,14.0f%n",
                        in.label,
                        pass.label,
                        BenchCommand.median(mbs),
                        String.format("[%.0f..%.0f]", Collections.min(mbs), Collections.max(mbs)),
                        cpuMbs,
                        recs);
            }
        }
    }

    private static String key(Input in, StdfParsePass pass) {
        return in.label + "/" + pass.name();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
