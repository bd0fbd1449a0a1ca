package io.waferflow.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The bad-input corpus, {@code src/test/resources/bad-input/corpus.tsv}: one kind of input per line, with the
 * violations it must raise ({@code rule:field:SEVERITY}, comma-separated; {@code ok} for none) and its payload.
 *
 * <p>A payload is the message text, or one of:
 *
 * <ul>
 *   <li>{@code @tombstone}: a null Kafka value;
 *   <li>{@code @bytes:TEXT}: TEXT as UTF-8, where {@code \xHH} stands for the raw byte HH (JSON has no {@code \x}
 *       escape, so this never clashes with the JSON inside);
 *   <li>{@code @repeat:COUNT:UNIT:TEMPLATE}: TEMPLATE (with {@code \xHH} bytes) with {@code {pad}} replaced by UNIT
 *       (the same) repeated COUNT times;
 *   <li>{@code @size:BYTES:UNIT:TEMPLATE}: the same, with UNIT repeated until the message has exactly BYTES bytes.
 * </ul>
 */
public final class BadInputCorpus {

    public static final Path FILE = Path.of("src/test/resources/bad-input/corpus.tsv");

    private BadInputCorpus() {}

    public record Case(String kind, List<String> expected, String payload) {

        public boolean quarantines() {
            return expected.stream().anyMatch(e -> e.endsWith(":CRITICAL") || e.endsWith(":HIGH"));
        }

        /** The message's bytes; null for a tombstone. */
        public byte[] bytes() {
            if (payload.equals("@tombstone")) {
                return null;
            }
            if (payload.startsWith("@bytes:")) {
                return decode(payload.substring("@bytes:".length()));
            }
            if (payload.startsWith("@repeat:") || payload.startsWith("@size:")) {
                String[] p = payload.split(":", 4);
                byte[] unit = decode(p[2]);
                byte[] template = decode(p[3]);
                int at = indexOf(template, "{pad}".getBytes(StandardCharsets.US_ASCII));
                if (at < 0) {
                    throw new IllegalArgumentException(kind + ": no {pad} in " + p[3]);
                }
                long padBytes = payload.startsWith("@repeat:")
                        ? Long.parseLong(p[1]) * unit.length
                        : Long.parseLong(p[1]) - (template.length - 5);
                if (padBytes < 0 || padBytes % unit.length != 0) {
                    throw new IllegalArgumentException(
                            kind + ": " + p[1] + " is not reachable with units of " + unit.length + " bytes");
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream((int) (template.length + padBytes));
                out.write(template, 0, at);
                for (long i = 0; i < padBytes / unit.length; i++) {
                    out.write(unit, 0, unit.length);
                }
                out.write(template, at + 5, template.length - at - 5);
                return out.toByteArray();
            }
            return payload.getBytes(StandardCharsets.UTF_8);
        }

        /** The raw payload a quarantined record must keep: its text, or "base64:" and its bytes if not UTF-8. */
        public String raw() {
            byte[] b = bytes();
            if (b == null) {
                return "";
            }
            try {
                return StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(b))
                        .toString();
            } catch (CharacterCodingException e) {
                return "base64:" + Base64.getEncoder().encodeToString(b);
            }
        }
    }

    public static List<Case> read() {
        List<Case> cases = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(FILE, StandardCharsets.UTF_8)) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] cols = line.split("\t", -1);
                List<String> expected = cols[1].equals("ok") ? List.of() : Arrays.asList(cols[1].split(","));
                cases.add(new Case(cols[0], expected, cols[2]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cases;
    }

    /** UTF-8 of the text with each {@code \xHH} as the byte HH. */
    static byte[] decode(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        int i = 0;
        while (i < text.length()) {
            int next = text.indexOf("\\x", i);
            int end = next < 0 ? text.length() : next;
            byte[] plain = text.substring(i, end).getBytes(StandardCharsets.UTF_8);
            out.write(plain, 0, plain.length);
            if (next < 0) {
                break;
            }
            out.write(Integer.parseInt(text.substring(next + 2, next + 4), 16));
            i = next + 4;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
