package io.waferflow.ingest.stdf;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.local.stdf.StdfWriter;
import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The field types no typed record uses yet (R8, Bn, I4 extremes), and reads past the end. */
class StdfFieldsTest {

    enum Order {
        BIG(ByteOrder.BIG_ENDIAN),
        LITTLE(ByteOrder.LITTLE_ENDIAN);

        final ByteOrder order;

        Order(ByteOrder order) {
            this.order = order;
        }
    }

    @ParameterizedTest
    @EnumSource(Order.class)
    void fieldsRoundTripAndMissingOnesTakeTheGivenDefault(Order order) {
        StdfWriter.Body body = new StdfWriter(new ByteArrayOutputStream(), order.order)
                .body()
                .r8(-1.5e300)
                .u4(0xFFFF_FFFFL)
                .u4(Integer.MIN_VALUE)
                .u1(3)
                .u1(0xAB)
                .u1(0x01)
                .u1(0xFF);
        byte[] bytes = new StdfRecordBytes(body).bytes();
        StdfFields f = new StdfFields(bytes, order.order);

        assertThat(f.r8(0)).isEqualTo(-1.5e300);
        assertThat(f.u4()).isEqualTo(4294967295L);
        assertThat(f.i4(0)).isEqualTo(Integer.MIN_VALUE);
        assertThat(f.bn()).containsExactly(0xAB, 0x01, 0xFF);
        assertThat(f.hasMore()).isFalse();
        assertThat(f.r8(7.0)).isEqualTo(7.0);
        assertThat(f.u2(65535)).isEqualTo(65535);
        assertThat(f.bn()).isEmpty();
        assertThat(f.n1Array(5)).isEmpty();
    }

    /** The body's bytes, taken by writing it as a record and dropping the FAR and the header. */
    private record StdfRecordBytes(StdfWriter.Body body) {
        byte[] bytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new StdfWriter(out, ByteOrder.BIG_ENDIAN).record(99, 0, body);
            byte[] all = out.toByteArray();
            return java.util.Arrays.copyOfRange(all, 6 + 4, all.length);
        }
    }
}
