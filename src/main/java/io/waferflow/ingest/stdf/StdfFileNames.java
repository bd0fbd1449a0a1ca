package io.waferflow.ingest.stdf;

import java.util.Locale;

/**
 * Which file names are STDF files to ingest: {@code .stdf} or {@code .std}, plain or compressed ({@code .gz},
 * {@code .bz2}), in any letter case. Names starting with {@code .} or {@code _} are files still being written (the
 * usual convention of copy tools and Flink's own file sinks) and never match. One rule for {@code ingest stdf --follow}
 * and the Flink file source, so both pick up the same files.
 */
public final class StdfFileNames {

    private StdfFileNames() {}

    public static boolean matches(String fileName) {
        if (fileName.isEmpty() || fileName.charAt(0) == '.' || fileName.charAt(0) == '_') {
            return false;
        }
        String name = fileName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".gz")) {
            name = name.substring(0, name.length() - ".gz".length());
        } else if (name.endsWith(".bz2")) {
            name = name.substring(0, name.length() - ".bz2".length());
        }
        return name.endsWith(".stdf") || name.endsWith(".std");
    }
}
