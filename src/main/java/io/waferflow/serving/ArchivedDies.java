package io.waferflow.serving;

import io.waferflow.config.InputSchema;
import io.waferflow.report.WaferMap;
import io.waferflow.stores.offline.OfflineSinks;
import io.waferflow.stores.offline.ParquetGroups;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.GroupType;

/**
 * Each die's latest test for the most recent wafers, from the raw archive ({@code <offline.root>/raw/date=...}): the
 * online store keeps one row per wafer, not its dies, and the features job keeps die history in Flink state only.
 *
 * <p>Committed archive files never change, so each is read once: {@link #refresh} reads the files committed since the
 * last call, in the newest {@value #DATE_PARTITIONS} date partitions only (a long archive is not read from its start).
 * Memory is bounded: the dies of at most {@value #MAX_WAFERS} wafers, those tested last, are kept. Only a local
 * {@code offline.root} (a path or a {@code file:} URI) can be read.
 */
final class ArchivedDies {

    static final int MAX_WAFERS = 200;
    static final int DATE_PARTITIONS = 2;

    /** A die's latest test: event time, pass, bins. */
    private record Test(long time, boolean passed, Integer hardBin, Integer softBin) {}

    private final Path archive;
    private final Set<Path> read = new HashSet<>();
    /** Wafer to (cell to test), in the order wafers were last tested (access order: the eldest is dropped first). */
    private final LinkedHashMap<String, Map<Long, Test>> wafers = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<Long, Test>> eldest) {
            return size() > MAX_WAFERS;
        }
    };

    private final Map<String, String> lots = new HashMap<>();

    /** The archive below {@code offlineRoot}, or null when it is not a local directory (then no maps are drawn). */
    static ArchivedDies under(String offlineRoot) {
        Path root;
        try {
            root = offlineRoot.startsWith("file:") ? Path.of(URI.create(offlineRoot)) : Path.of(offlineRoot);
        } catch (RuntimeException e) {
            return null; // s3://, hdfs://: not on this machine
        }
        if (offlineRoot.contains("://") && !offlineRoot.startsWith("file:")) {
            return null;
        }
        return new ArchivedDies(root.resolve(OfflineSinks.RAW_ARCHIVE));
    }

    ArchivedDies(Path archive) {
        this.archive = archive;
    }

    Path archive() {
        return archive;
    }

    /** Reads the archive files committed since the last call; the number of files read. */
    synchronized int refresh() throws IOException {
        if (!Files.isDirectory(archive)) {
            return 0;
        }
        List<Path> partitions;
        try (Stream<Path> dirs = Files.list(archive)) {
            partitions = dirs.filter(Files::isDirectory).sorted().toList();
        }
        List<Path> newest = partitions.subList(Math.max(0, partitions.size() - DATE_PARTITIONS), partitions.size());
        read.removeIf(f -> !newest.contains(f.getParent())); // files of older days are not listed again
        int n = 0;
        for (Path partition : newest) {
            List<Path> files;
            try (Stream<Path> all = Files.list(partition)) {
                files = all.filter(p -> {
                            String name = p.getFileName().toString();
                            // Hidden in-progress files (.part-*) are not committed and may still change.
                            return name.endsWith(".parquet") && !name.startsWith(".") && !name.startsWith("_");
                        })
                        .sorted()
                        .toList();
            }
            for (Path f : files) {
                if (read.add(f)) {
                    ParquetGroups.each(f, this::add);
                    n++;
                }
            }
        }
        return n;
    }

    /** The wafer's map (coloured pass/fail), or null when none of its dies was read. */
    synchronized WaferMap map(String waferId, String why) {
        Map<Long, Test> dies = wafers.get(waferId);
        if (dies == null) {
            return null;
        }
        List<WaferMap.Die> list = new ArrayList<>(dies.size());
        dies.forEach((cell, t) -> list.add(new WaferMap.Die(
                (int) (cell >> 32), (int) (long) cell, t.passed(), t.hardBin(), t.softBin(), Double.NaN)));
        return new WaferMap(waferId, lots.get(waferId), why, "pass_fail", list);
    }

    private void add(Group g) {
        GroupType schema = g.getType();
        String wafer = string(g, schema, InputSchema.WAFER_ID);
        Integer x = integer(g, schema, InputSchema.DIE_X);
        Integer y = integer(g, schema, InputSchema.DIE_Y);
        if (wafer == null || x == null || y == null || !present(g, schema, InputSchema.EVENT_TIME)) {
            return;
        }
        long time = g.getLong(InputSchema.EVENT_TIME, 0);
        Integer pass = integer(g, schema, InputSchema.PASS_FAIL);
        Test test = new Test(
                time,
                Integer.valueOf(1).equals(pass),
                integer(g, schema, InputSchema.HARD_BIN),
                integer(g, schema, InputSchema.SOFT_BIN));
        long cell = ((long) x << 32) | (y & 0xffffffffL);
        // A retest replaces the die's earlier test, whatever order the files were read in.
        wafers.computeIfAbsent(wafer, w -> new HashMap<>()).merge(cell, test, (a, b) -> b.time() >= a.time() ? b : a);
        String lot = string(g, schema, InputSchema.LOT_ID);
        if (lot != null) {
            lots.put(wafer, lot);
        }
        if (lots.size() > 2 * MAX_WAFERS) {
            lots.keySet().retainAll(wafers.keySet());
        }
    }

    private static boolean present(Group g, GroupType schema, String field) {
        return schema.containsField(field) && g.getFieldRepetitionCount(field) > 0;
    }

    private static String string(Group g, GroupType schema, String field) {
        return present(g, schema, field) ? g.getString(field, 0) : null;
    }

    private static Integer integer(Group g, GroupType schema, String field) {
        return present(g, schema, field) ? g.getInteger(field, 0) : null;
    }
}
