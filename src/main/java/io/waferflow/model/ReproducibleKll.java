package io.waferflow.model;

import java.lang.reflect.Field;
import java.util.Random;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.kll.KllSketch;

/**
 * Updates and merges of DataSketches KLL sketches that give the same sketch for the same values in the same order, in
 * every run and after every restore.
 *
 * <p>Why this way (checked in datasketches-java 6.2.0, the version in the pom): KLL draws its compaction coin flips
 * from {@code KllSketch.random}, a package-private {@code static final java.util.Random} shared by the whole JVM and
 * never seeded; no API takes a seed. Rather than a compactor of our own (new code, a new serialized form, a new error
 * analysis) we keep DataSketches' compactor, its compact bytes (so state from 0.1.0 restores unchanged) and its
 * rank-error bound, and only make the coins reproducible: every update or merge runs under one lock, right after the
 * shared generator is reseeded from the sketch's own state (n, min, max). A compaction therefore flips the same coins
 * whenever the sketch reaches the same state. The coins stay fair and unrelated to which item is kept, which is what
 * KLL's ε bound needs (the {@code drift-accuracy} study checks ΔD ≤ ε in every trial).
 *
 * <p>All KLL updates and merges in WaferFlow go through here: a caller that used the shared generator outside the lock
 * could shift another thread's coin sequence.
 */
public final class ReproducibleKll {

    /** DataSketches' shared compaction generator (read once; its reference never changes). */
    private static final Random SHARED = sharedRandom();

    private ReproducibleKll() {}

    /** Adds a value (NaN ignored, as DataSketches does). */
    public static void update(KllDoublesSketch sketch, double value) {
        synchronized (SHARED) {
            SHARED.setSeed(seed(sketch, 0x5eed_0001L));
            sketch.update(value);
        }
    }

    /** Merges {@code from} into {@code into}. */
    public static void merge(KllDoublesSketch into, KllDoublesSketch from) {
        synchronized (SHARED) {
            SHARED.setSeed(seed(from, seed(into, 0x5eed_0002L)));
            into.merge(from);
        }
    }

    /** A new sketch of parameter {@code k} holding the given values in order (NaN ignored). */
    public static KllDoublesSketch of(double[] values, int from, int to, int k) {
        KllDoublesSketch s = KllDoublesSketch.newHeapInstance(k);
        synchronized (SHARED) {
            for (int v = from; v < to; v++) {
                SHARED.setSeed(seed(s, 0x5eed_0001L));
                s.update(values[v]);
            }
        }
        return s;
    }

    /** A hash of the sketch's state (count, min, max) mixed into {@code salt} (SplitMix64 finalizer). */
    private static long seed(KllDoublesSketch sketch, long salt) {
        long h = mix(salt ^ sketch.getN());
        if (!sketch.isEmpty()) {
            h = mix(h ^ Double.doubleToLongBits(sketch.getMinItem()));
            h = mix(h ^ Double.doubleToLongBits(sketch.getMaxItem()));
        }
        return h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static Random sharedRandom() {
        try {
            Field f = KllSketch.class.getDeclaredField("random");
            f.setAccessible(true);
            return (Random) f.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("DataSketches KLL without its shared generator: check the version", e);
        }
    }
}
