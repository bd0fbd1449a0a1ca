package io.waferflow.ingest.stdf;

/**
 * The OPT_FLAG block that PTR and MPR share: OPT_FLAG, RES_SCAL, LLM_SCAL, HLM_SCAL, LO_LIMIT, HI_LIMIT.
 * {@code optFlag} is null when it and everything after it were omitted; a limit is null when omitted or when OPT_FLAG
 * marks it invalid (bits 4/6 low, 5/7 high), so a later record that relies on the first one of its test reads null
 * here: carrying limits forward is the part assembler's job.
 */
public record Limits(
        Integer optFlag, int resultScale, int lowLimitScale, int highLimitScale, Float lowLimit, Float highLimit) {

    public static final Limits OMITTED = new Limits(null, 0, 0, 0, null, null);

    static Limits read(StdfFields f) {
        if (!f.hasMore()) {
            return OMITTED;
        }
        int opt = f.u1();
        int resScale = f.i1(0);
        int llmScale = f.i1(0);
        int hlmScale = f.i1(0);
        Float lo = limit(opt, f.hasMore(), f.r4(0f), 0x50);
        Float hi = limit(opt, f.hasMore(), f.r4(0f), 0xA0);
        return new Limits(opt, resScale, llmScale, hlmScale, lo, hi);
    }

    /** A limit present in the body (checked before its value is read) and not flagged invalid by OPT_FLAG. */
    private static Float limit(int opt, boolean present, float value, int invalidBits) {
        return !present || (opt & invalidBits) != 0 ? null : value;
    }
}
