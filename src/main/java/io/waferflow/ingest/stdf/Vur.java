package io.waferflow.ingest.stdf;

import java.util.List;

/**
 * Version Update Record (0/30, STDF V4-2007): the extensions of V4 a file uses, such as "V4-2007" or "Scan:2007.1".
 * Writers disagree on the layout: the V4-2007 document gives one Cn (UPD_NAM), later writers a U1 count and that many
 * Cn; the decoder reads a body that is exactly one Cn as the first, anything else as the second.
 */
public record Vur(List<String> updateNames) implements StdfData {}
