package io.waferflow.ingest.stdf;

/**
 * The names of the record types of STDF V4 and its V4-2007 additions. A type listed here but not decoded (MRR, HBR,
 * TSR, ...) is part of the format and skipped quietly; a type outside the list is an unknown record (an issue).
 */
final class RecordNames {

    /** Indexed by REC_TYP << 8 | REC_SUB: looked up once per record, so no boxing and no hash buckets. */
    private static final String[] NAMES = new String[1 << 16];

    static {
        put(0, 10, "FAR");
        put(0, 20, "ATR");
        put(0, 30, "VUR");
        put(1, 10, "MIR");
        put(1, 20, "MRR");
        put(1, 30, "PCR");
        put(1, 40, "HBR");
        put(1, 50, "SBR");
        put(1, 60, "PMR");
        put(1, 62, "PGR");
        put(1, 63, "PLR");
        put(1, 70, "RDR");
        put(1, 80, "SDR");
        put(1, 90, "PSR");
        put(1, 91, "NMR");
        put(1, 92, "CNR");
        put(1, 93, "SSR");
        put(1, 94, "CDR");
        put(2, 10, "WIR");
        put(2, 20, "WRR");
        put(2, 30, "WCR");
        put(5, 10, "PIR");
        put(5, 20, "PRR");
        put(10, 30, "TSR");
        put(15, 10, "PTR");
        put(15, 15, "MPR");
        put(15, 20, "FTR");
        put(15, 30, "STR");
        put(20, 10, "BPS");
        put(20, 20, "EPS");
        put(50, 10, "GDR");
        put(50, 30, "DTR");
    }

    private RecordNames() {}

    private static void put(int type, int subtype, String name) {
        NAMES[type << 8 | subtype] = name;
    }

    /** The type's name, or null for a type outside the specification. */
    static String of(int type, int subtype) {
        return NAMES[(type & 0xFF) << 8 | (subtype & 0xFF)];
    }

    /** The name, or {@code type/subtype} for an unknown type. */
    static String shown(int type, int subtype) {
        String n = of(type, subtype);
        return n != null ? n : type + "/" + subtype;
    }
}
