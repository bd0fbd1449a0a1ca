package io.waferflow.ingest.stdf;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.ingest.stdf.StdfFiles.Compression;
import io.waferflow.local.stdf.StdfWriter;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The reader's own buffer (128 KiB) across refills: records of every length up to the largest (65,535 bytes), several
 * MB in all, read back byte for byte from a stream that hands out whole chunks and from one that trickles a few bytes
 * per read.
 */
class StdfReaderBufferTest {

    @ParameterizedTest
    @EnumSource(Compression.class)
    void recordsStraddlingRefillsComeBackWhole(Compression compression) throws Exception {
        SplittableRandom random = new SplittableRandom(5);
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            int len = i % 10 == 0 ? 65_535 : random.nextInt(i % 3 == 0 ? 70_000 : 64) % 65_536;
            byte[] b = new byte[len];
            random.nextBytes(b);
            bodies.add(b);
        }
        byte[] file = StdfFiles.write(ByteOrder.BIG_ENDIAN, compression, w -> {
            for (byte[] b : bodies) {
                StdfWriter.Body body = w.body();
                for (byte x : b) {
                    body.u1(x & 0xFF);
                }
                w.record(50, 30, body);
            }
        });

        for (boolean trickle : new boolean[] {false, true}) {
            List<StdfRecord> read = new ArrayList<>();
            InputStream in = new ByteArrayInputStream(file);
            try (StdfReader reader = StdfReader.open(trickle ? new Trickle(in) : in)) {
                for (StdfRecord r = reader.next(); r != null; r = reader.next()) {
                    read.add(r);
                }
            }
            assertThat(read).hasSize(bodies.size() + 1);
            long offset = 6; // after the FAR
            for (int i = 0; i < bodies.size(); i++) {
                StdfRecord r = read.get(i + 1);
                assertThat(r.offset()).as("offset of record %d", i).isEqualTo(offset);
                assertThat(Arrays.equals(r.body(), bodies.get(i)))
                        .as("body of record %d (%d bytes), trickle %s", i, bodies.get(i).length, trickle)
                        .isTrue();
                offset += 4 + bodies.get(i).length;
            }
        }
    }

    /** Hands out at most 7 bytes per read, as a slow socket or a decompressor at a block boundary may. */
    private static final class Trickle extends FilterInputStream {
        Trickle(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            return super.read(b, off, Math.min(len, 7));
        }
    }
}
