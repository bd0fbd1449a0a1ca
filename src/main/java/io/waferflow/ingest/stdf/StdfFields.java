package io.waferflow.ingest.stdf;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * A cursor over a record body. The specification lets a writer omit fields at the end of a record, so reading past the
 * end is not an error: every read then returns the missing value it is given (or 0, an empty string, an empty list).
 */
public final class StdfFields {

    private final byte[] body;
    private final boolean little;
    private int pos;

    public StdfFields(byte[] body, ByteOrder order) {
        this.body = body;
        this.little = order == ByteOrder.LITTLE_ENDIAN;
    }

    /** Whether at least one more byte is present (the next field was not omitted). */
    public boolean hasMore() {
        return pos < body.length;
    }

    private boolean has(int n) {
        if (pos + n <= body.length) {
            return true;
        }
        pos = body.length; // a field cut in the middle counts as omitted, and so does everything after it
        return false;
    }

    private long unsigned(int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            int b = body[pos + i] & 0xFF;
            v |= (long) b << (8 * (little ? i : n - 1 - i));
        }
        pos += n;
        return v;
    }

    public int u1(int missing) {
        return has(1) ? (int) unsigned(1) : missing;
    }

    public int u1() {
        return u1(0);
    }

    public int u2(int missing) {
        return has(2) ? (int) unsigned(2) : missing;
    }

    public int u2() {
        return u2(0);
    }

    public long u4(long missing) {
        return has(4) ? unsigned(4) : missing;
    }

    public long u4() {
        return u4(0);
    }

    public int i1(int missing) {
        return has(1) ? (byte) unsigned(1) : missing;
    }

    public int i2(int missing) {
        return has(2) ? (short) unsigned(2) : missing;
    }

    public int i4(int missing) {
        return has(4) ? (int) unsigned(4) : missing;
    }

    /** U8, read as a signed long (values above 2^63 - 1 come out negative). */
    public long u8(long missing) {
        return has(8) ? unsigned(8) : missing;
    }

    public float r4(float missing) {
        return has(4) ? Float.intBitsToFloat((int) unsigned(4)) : missing;
    }

    public double r8(double missing) {
        return has(8) ? Double.longBitsToDouble(unsigned(8)) : missing;
    }

    /** C1: one character, a space when omitted (the specification's missing value). */
    public char c1() {
        return has(1) ? (char) unsigned(1) : ' ';
    }

    /** Cn: a length byte and that many characters (ISO-8859-1); a count running past the body keeps what is there. */
    public String cn() {
        if (!has(1)) {
            return "";
        }
        int n = (int) unsigned(1);
        int len = Math.min(n, body.length - pos);
        String s = new String(body, pos, len, StandardCharsets.ISO_8859_1);
        pos += len;
        return s;
    }

    /** Sn (V4-2007): a U2 length and that many characters; a count running past the body keeps what is there. */
    public String sn() {
        if (!has(2)) {
            return "";
        }
        int n = (int) unsigned(2);
        int len = Math.min(n, body.length - pos);
        String s = new String(body, pos, len, StandardCharsets.ISO_8859_1);
        pos += len;
        return s;
    }

    /** Bn: a length byte and that many bytes. */
    public byte[] bn() {
        if (!has(1)) {
            return new byte[0];
        }
        int len = Math.min((int) unsigned(1), body.length - pos);
        byte[] out = java.util.Arrays.copyOfRange(body, pos, pos + len);
        pos += len;
        return out;
    }

    /** Dn: a U2 bit count and the bits, first bit in the low bit of the first byte. */
    public BitSet dn() {
        int bits = u2(0);
        int len = Math.min((bits + 7) / 8, body.length - pos);
        BitSet set = BitSet.valueOf(java.util.Arrays.copyOfRange(body, pos, pos + len));
        pos += len;
        return set.get(0, Math.min(bits, set.length()));
    }

    /** k×U2, k given by an earlier count field. */
    public List<Integer> u2Array(int k) {
        List<Integer> out = new ArrayList<>(Math.min(k, body.length));
        for (int i = 0; i < k && has(2); i++) {
            out.add((int) unsigned(2));
        }
        return List.copyOf(out);
    }

    /** k×U8 (as signed longs), k given by an earlier count field. */
    public List<Long> u8Array(int k) {
        List<Long> out = new ArrayList<>(Math.min(k, body.length));
        for (int i = 0; i < k && has(8); i++) {
            out.add(unsigned(8));
        }
        return List.copyOf(out);
    }

    /** k×Cn, k given by an earlier count field; stops where the body ends. */
    public List<String> cnArray(int k) {
        List<String> out = new ArrayList<>(Math.min(k, body.length));
        for (int i = 0; i < k && hasMore(); i++) {
            out.add(cn());
        }
        return List.copyOf(out);
    }

    /** k×Sn, k given by an earlier count field; stops where the body ends. */
    public List<String> snArray(int k) {
        List<String> out = new ArrayList<>(Math.min(k, body.length));
        for (int i = 0; i < k && hasMore(); i++) {
            out.add(sn());
        }
        return List.copyOf(out);
    }

    /** k×R4, k given by an earlier count field. */
    public List<Float> r4Array(int k) {
        List<Float> out = new ArrayList<>(Math.min(k, body.length));
        for (int i = 0; i < k && has(4); i++) {
            out.add(Float.intBitsToFloat((int) unsigned(4)));
        }
        return List.copyOf(out);
    }

    /** k×N1: nibbles packed two a byte, the first in the low four bits. */
    public List<Integer> n1Array(int k) {
        List<Integer> out = new ArrayList<>(Math.min(k, 2 * body.length));
        for (int i = 0; i < k; i += 2) {
            if (!has(1)) {
                break;
            }
            int b = (int) unsigned(1);
            out.add(b & 0x0F);
            if (i + 1 < k) {
                out.add(b >>> 4);
            }
        }
        return List.copyOf(out);
    }
}
