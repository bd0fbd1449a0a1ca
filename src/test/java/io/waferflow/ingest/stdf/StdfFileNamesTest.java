package io.waferflow.ingest.stdf;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The file names ingest stdf --follow and the job's file source pick up, and those they leave alone. */
class StdfFileNamesTest {

    @Test
    void stdfNamesPlainOrCompressedInAnyCase() {
        assertThat(StdfFileNames.matches("lot42_w07.stdf")).isTrue();
        assertThat(StdfFileNames.matches("LOT42_W07.STD")).isTrue();
        assertThat(StdfFileNames.matches("w07.stdf.gz")).isTrue();
        assertThat(StdfFileNames.matches("w07.std.bz2")).isTrue();
        assertThat(StdfFileNames.matches("w07.STDF.GZ")).isTrue();
    }

    @Test
    void otherNamesAndFilesBeingWrittenAreNot() {
        assertThat(StdfFileNames.matches("w07.stdf.tmp")).isFalse();
        assertThat(StdfFileNames.matches(".w07.stdf")).isFalse();
        assertThat(StdfFileNames.matches("_w07.stdf.gz")).isFalse();
        assertThat(StdfFileNames.matches("w07.gz")).isFalse();
        assertThat(StdfFileNames.matches("w07.csv")).isFalse();
        assertThat(StdfFileNames.matches("stdf")).isFalse();
        assertThat(StdfFileNames.matches("")).isFalse();
    }
}
