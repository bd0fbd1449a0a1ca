package io.waferflow.ingest;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The byte sequences of a payload that are not UTF-8, found with the JDK's strict decoder. Jackson's UTF-8 reader
 * cannot be trusted with them: it silently accepts overlong forms, encoded surrogates and code points beyond U+10FFFF
 * (an id then reads as other characters, and a writer later stores them as {@code ?}), and it stops the whole record at
 * the others. So the parser scans first, and parses a copy in which every malformed byte is masked as {@code ?}: the
 * JSON structure stays where it was, and each malformed sequence can be charged to the field whose value holds it. Not
 * thread-safe; one per parser.
 */
final class MalformedUtf8 {

    private static final byte MASK = '?';

    private final CharsetDecoder decoder = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    /** Decoded characters are not needed, only where decoding fails: one small buffer, overwritten. */
    private final CharBuffer scratch = CharBuffer.allocate(4096);
    /** Start offset and length of each malformed sequence, in payload order. */
    private int[] starts = new int[4];

    private int[] lengths = new int[4];
    private boolean[] charged = new boolean[4];
    private int count;

    /** Finds the malformed sequences of {@code payload}; true if there are any. */
    boolean scan(byte[] payload) {
        count = 0;
        if (ascii(payload)) {
            return false;
        }
        ByteBuffer in = ByteBuffer.wrap(payload);
        decoder.reset();
        while (true) {
            scratch.clear();
            CoderResult result = decoder.decode(in, scratch, true);
            if (result.isUnderflow()) {
                break;
            }
            if (result.isError()) {
                add(in.position(), result.length());
                in.position(in.position() + result.length());
            }
        }
        return count > 0;
    }

    private static boolean ascii(byte[] payload) {
        for (byte b : payload) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    private void add(int start, int length) {
        if (count == starts.length) {
            starts = Arrays.copyOf(starts, count * 2);
            lengths = Arrays.copyOf(lengths, count * 2);
            charged = Arrays.copyOf(charged, count * 2);
        }
        starts[count] = start;
        lengths[count] = length;
        charged[count] = false;
        count++;
    }

    /** A copy of the payload with every malformed byte replaced by {@code ?}. */
    byte[] masked(byte[] payload) {
        byte[] copy = payload.clone();
        for (int i = 0; i < count; i++) {
            Arrays.fill(copy, starts[i], starts[i] + lengths[i], MASK);
        }
        return copy;
    }

    /** True if a malformed sequence starts within bytes [from, to). */
    boolean within(long from, long to) {
        for (int i = 0; i < count; i++) {
            if (starts[i] >= from && starts[i] < to) {
                return true;
            }
        }
        return false;
    }

    /** Marks the malformed sequences within [from, to) as reported; true if there were any. */
    boolean charge(long from, long to) {
        boolean any = false;
        for (int i = 0; i < count; i++) {
            if (starts[i] >= from && starts[i] < to) {
                charged[i] = true;
                any = true;
            }
        }
        return any;
    }

    /** The first malformed sequence no field was charged with, as "byte N: \xHH…", or null if there is none. */
    String firstUncharged(byte[] payload) {
        for (int i = 0; i < count; i++) {
            if (!charged[i]) {
                return describe(i, payload);
            }
        }
        return null;
    }

    /** The first malformed sequence, as "byte N: \xHH…", or null if there is none. */
    String first(byte[] payload) {
        return count == 0 ? null : describe(0, payload);
    }

    private String describe(int i, byte[] payload) {
        StringBuilder s = new StringBuilder("byte ").append(starts[i]).append(": ");
        appendHex(s, payload, starts[i], starts[i] + lengths[i]);
        return s.toString();
    }

    /** Bytes [from, to) as text, each malformed byte shown as {@code \xHH}: what was sent, readable. */
    String show(byte[] payload, int from, int to) {
        StringBuilder s = new StringBuilder(to - from + 16);
        int at = from;
        for (int i = 0; i < count && at < to; i++) {
            int start = Math.max(starts[i], at);
            int end = Math.min(starts[i] + lengths[i], to);
            if (end <= start) {
                continue;
            }
            s.append(new String(payload, at, start - at, StandardCharsets.UTF_8));
            appendHex(s, payload, start, end);
            at = end;
        }
        return s.append(new String(payload, at, to - at, StandardCharsets.UTF_8))
                .toString();
    }

    private static void appendHex(StringBuilder s, byte[] payload, int from, int to) {
        for (int i = from; i < to; i++) {
            s.append("\\x")
                    .append(Character.toUpperCase(Character.forDigit((payload[i] >> 4) & 0xF, 16)))
                    .append(Character.toUpperCase(Character.forDigit(payload[i] & 0xF, 16)));
        }
    }
}
