package io.waferflow.ingest.stdf;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.ingest.stdf.StdfFiles.Compression;
import io.waferflow.ingest.stdf.StdfFiles.ReadResult;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Seeded random damage to well-formed files: the reader never throws anything but {@link StdfFormatException}, always
 * ends (every record consumes at least its 4-byte header), never returns a record running past the end, and returns
 * exactly the records before the damage. The expected records come from reading the undamaged file.
 */
class StdfReaderFuzzTest {

    private static final int ROUNDS = 1500;

    enum Order {
        BIG(ByteOrder.BIG_ENDIAN),
        LITTLE(ByteOrder.LITTLE_ENDIAN);

        final ByteOrder order;

        Order(ByteOrder order) {
            this.order = order;
        }
    }

    /** The sample four times over: enough records for damage in the middle. */
    private static byte[] file(ByteOrder order) throws Exception {
        byte[] one = StdfFiles.sample(order, Compression.NONE);
        byte[] out = Arrays.copyOf(one, 6 + 4 * (one.length - 6));
        for (int i = 1; i < 4; i++) {
            System.arraycopy(one, 6, out, 6 + i * (one.length - 6), one.length - 6);
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(Order.class)
    void randomTruncationsGiveExactlyTheWholeRecordsBeforeTheCut(Order order) throws Exception {
        byte[] file = file(order.order);
        List<StdfRecord> all = StdfFiles.readAll(file).records();
        Random random = new Random(16);
        for (int round = 0; round < ROUNDS; round++) {
            int length = random.nextInt(file.length + 1);
            ReadResult read = StdfFiles.readAll(Arrays.copyOf(file, length));

            List<StdfRecord> whole = all.stream()
                    .filter(r -> r.offset() + 4 + r.body().length <= length)
                    .toList();
            assertThat(offsets(read.records())).as("cut at %d", length).isEqualTo(offsets(whole));
            long end =
                    whole.isEmpty() ? 0 : last(whole).offset() + 4 + last(whole).body().length;
            if (end == length) {
                assertThat(read.error()).as("cut at %d", length).isNull();
            } else {
                assertThat(read.error().offset()).as("cut at %d", length).isEqualTo(end);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Order.class)
    void flippedTypeBitsChangeOnlyThatRecordsType(Order order) throws Exception {
        byte[] file = file(order.order);
        List<StdfRecord> all = StdfFiles.readAll(file).records();
        Random random = new Random(17);
        for (int round = 0; round < ROUNDS; round++) {
            int index = 1 + random.nextInt(all.size() - 1); // the FAR's own damage is the next test's
            StdfRecord target = all.get(index);
            byte[] damaged = file.clone();
            int at = (int) target.offset() + 2 + random.nextInt(2); // REC_TYP or REC_SUB
            damaged[at] ^= (byte) (1 << random.nextInt(8));

            ReadResult read = StdfFiles.readAll(damaged);

            assertThat(read.error()).isNull();
            assertThat(offsets(read.records())).isEqualTo(offsets(all));
            StdfRecord got = read.records().get(index);
            assertThat(got.type() << 8 | got.subtype()).isNotEqualTo(target.type() << 8 | target.subtype());
            assertThat(got.body()).isEqualTo(target.body());
            read.records().forEach(StdfDecoder::decode);
        }
    }

    @ParameterizedTest
    @EnumSource(Order.class)
    void flippedLengthBitsKeepTheRecordsBeforeAndInventNothingPastTheEnd(Order order) throws Exception {
        byte[] file = file(order.order);
        List<StdfRecord> all = StdfFiles.readAll(file).records();
        Random random = new Random(18);
        for (int round = 0; round < ROUNDS; round++) {
            int index = random.nextInt(all.size());
            StdfRecord target = all.get(index);
            byte[] damaged = file.clone();
            damaged[(int) target.offset() + random.nextInt(2)] ^= (byte) (1 << random.nextInt(8));

            ReadResult read = StdfFiles.readAll(damaged);

            if (index == 0) {
                assertThat(read.records()).isEmpty(); // a FAR whose REC_LEN is not 2 is not STDF
                assertThat(read.error().offset()).isZero();
                continue;
            }
            assertThat(offsets(read.records()
                            .subList(0, Math.min(index, read.records().size()))))
                    .isEqualTo(offsets(all.subList(0, index)));
            assertThat(read.records())
                    .allSatisfy(
                            r -> assertThat(r.offset() + 4 + r.body().length).isLessThanOrEqualTo(damaged.length));
            assertThat(read.records().size()).isLessThanOrEqualTo(damaged.length / 4);
            if (read.error() != null) {
                assertThat(read.error().offset()).isGreaterThanOrEqualTo(target.offset());
            }
            read.records().forEach(StdfDecoder::decode); // garbage bodies decode to defaults, never throw
        }
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void damagedCompressedStreamsEndInTheDocumentedError(Compression compression) throws Exception {
        byte[] plain = file(ByteOrder.LITTLE_ENDIAN);
        List<StdfRecord> all = StdfFiles.readAll(plain).records();
        byte[] compressed = StdfReaderTest.compress(plain, compression);
        Random random = new Random(19);
        for (int round = 0; round < 200; round++) {
            byte[] damaged = Arrays.copyOf(compressed, random.nextInt(compressed.length));
            if (damaged.length > 0 && random.nextBoolean()) {
                damaged[random.nextInt(damaged.length)] ^= (byte) (1 << random.nextInt(8));
            }
            ReadResult read = StdfFiles.readAll(damaged); // anything but StdfFormatException fails the test

            assertThat(read.records().size()).isLessThanOrEqualTo(all.size() + damaged.length);
            if (compression != Compression.NONE && damaged.length > 0) {
                assertThat(read.error()).isNotNull();
            }
        }
    }

    private static List<Long> offsets(List<StdfRecord> records) {
        return records.stream().map(StdfRecord::offset).toList();
    }

    private static StdfRecord last(List<StdfRecord> records) {
        return records.get(records.size() - 1);
    }
}
