package io.waferflow.training;

import java.util.Locale;

/** Why a label row has (or lacks) the values of one feature group and version: its status column. */
public enum JoinStatus {
    /** The latest allowed row, within max age. */
    OK,
    /** No row of the entity whose window ended before the label time (a missing entity, or only later windows). */
    NO_ROW,
    /** The latest row whose window ended before the label time ended more than max age before it. */
    TOO_OLD,
    /**
     * {@code --as-of available} only: a row within max age ended before the label time, but none such had been written
     * to the offline store by then (written later, by a backfill, or in a file without {@code written_at}).
     */
    NOT_AVAILABLE_YET;

    /** As written in the status column and the summary: {@code ok}, {@code no_row}, ... */
    public String spelling() {
        return name().toLowerCase(Locale.ROOT);
    }
}
