package io.waferflow.serving;

import io.waferflow.stores.online.OnlineKeys;
import io.waferflow.stores.online.PackedFeatures;

/**
 * One entity's row as the server holds and caches it: every feature's stored text and the row's metadata, unpacked once
 * when read from Redis and aligned with {@link ServedGroup#features}, so an answer copies values without parsing
 * anything.
 *
 * <p>Kept as few objects as possible (the row, one string of every value's text, one array of where each is, and the
 * version, shared with the request's): rows in the cache live for its TTL, long enough to be copied by young
 * collections, and a collection's cost grows with the objects it copies (a row as a {@code String[]} was 85: 42
 * Strings, their arrays, and the array).
 */
final class StoredRow {

    /** No hash under the key (every field read was absent). */
    static final StoredRow ABSENT = new StoredRow("", new int[0], false, 0, 0, 0, 0b111, null);

    /** What a stored feature is, for an answer. */
    enum Kind {
        /** Not in the row. */
        ABSENT,
        /** Stored without a value ({@link OnlineKeys#NULL}). */
        NULL,
        /** A JSON number, copied into answers as stored. */
        NUMBER,
        /** Anything else (the job writes none): answered as null. */
        OTHER
    }

    private static final Kind[] KINDS = Kind.values();
    private static final int LENGTH_BITS = 24;
    private static final int LENGTH_MASK = (1 << LENGTH_BITS) - 1;

    /** Every present feature's stored text, one after the other. */
    private final String text;
    /** Per feature position: its start in {@link #text}, then its length ORed with its kind's ordinal << 24. */
    private final int[] spans;

    private final boolean found;
    private final long windowStart;
    private final long windowEnd;
    private final long revision;
    /** Bits 0, 1, 2: window start, window end, revision absent or not a whole number. */
    private final int missingLongs;

    private final String featureVersion;

    private StoredRow(
            String text,
            int[] spans,
            boolean found,
            long windowStart,
            long windowEnd,
            long revision,
            int missingLongs,
            String featureVersion) {
        this.text = text;
        this.spans = spans;
        this.found = found;
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
        this.revision = revision;
        this.missingLongs = missingLongs;
        this.featureVersion = featureVersion;
    }

    /**
     * A row from the fields read ({@link ServedGroup#readFields}: the packed features, then
     * {@link ServedGroup#METADATA} in its order), with {@code features} features whose positions {@code positions}
     * gives. {@code version}, the version read, stands in for an equal {@code feature_version} (one string for every
     * row of a version).
     */
    static StoredRow of(String[] read, java.util.Map<String, Integer> positions, int features, String version) {
        int[] spans = new int[2 * features];
        StringBuilder text = new StringBuilder(read[0] == null ? 0 : read[0].length());
        if (read[0] != null) {
            PackedFeatures.unpack(read[0], positions, (at, chars, offset, length) -> {
                int start = text.length();
                text.append(chars, offset, length);
                Kind kind = length == 0
                        ? Kind.NULL
                        : PackedFeatures.isJsonNumber(text, start, start + length) ? Kind.NUMBER : Kind.OTHER;
                spans[2 * at] = start;
                spans[2 * at + 1] = length | kind.ordinal() << LENGTH_BITS;
            });
        }
        // Found when any feature or metadata field is there (a packed field naming none of the group's is not a row).
        boolean found = false;
        for (int i = 1; i < spans.length && !found; i += 2) {
            found = spans[i] != 0;
        }
        for (int m = 1; m < read.length && !found; m++) {
            found = read[m] != null;
        }
        if (!found) {
            return ABSENT;
        }
        long[] longs = new long[3];
        int missing = 0;
        for (int m = 0; m < 3; m++) {
            Long v = asLong(read[1 + m]);
            if (v == null) {
                missing |= 1 << m;
            } else {
                longs[m] = v;
            }
        }
        String fv = read[4];
        return new StoredRow(
                text.toString(),
                spans,
                true,
                longs[0],
                longs[1],
                longs[2],
                missing,
                fv != null && fv.equals(version) ? version : fv);
    }

    /** Whether the hash exists (any field read was there; HMGET answers all nulls for a missing key). */
    boolean found() {
        return found;
    }

    /** The stored feature at {@code position}: absent (also for a row not found), null, a number, or other text. */
    Kind kind(int position) {
        return found ? KINDS[spans[2 * position + 1] >>> LENGTH_BITS] : Kind.ABSENT;
    }

    /** The text of the feature at {@code position} ({@link #text}, from {@link #start}, {@link #length} chars). */
    String text() {
        return text;
    }

    int start(int position) {
        return spans[2 * position];
    }

    int length(int position) {
        return spans[2 * position + 1] & LENGTH_MASK;
    }

    /** A {@link Kind#NUMBER} feature's value, else null (a derived feature's input). */
    Double number(int position) {
        return kind(position) == Kind.NUMBER
                ? Double.valueOf(text.substring(start(position), start(position) + length(position)))
                : null;
    }

    /** Whether {@code window_start} is there as a whole number ({@link #windowStart} is its value). */
    boolean hasWindowStart() {
        return (missingLongs & 1) == 0;
    }

    boolean hasWindowEnd() {
        return (missingLongs & 2) == 0;
    }

    boolean hasRevision() {
        return (missingLongs & 4) == 0;
    }

    /** {@code window_start}; 0 unless {@link #hasWindowStart}. */
    long windowStart() {
        return windowStart;
    }

    long windowEnd() {
        return windowEnd;
    }

    long revision() {
        return revision;
    }

    /** {@code feature_version} as stored, or null. */
    String featureVersion() {
        return featureVersion;
    }

    /** A stored whole number of at most 18 digits (a window bound, a revision); else null. */
    static Long asLong(String text) {
        if (text == null || text.isEmpty() || text.length() > 18) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < '0' || c > '9') && !(i == 0 && c == '-' && text.length() > 1)) {
                return null;
            }
        }
        return Long.parseLong(text);
    }
}
