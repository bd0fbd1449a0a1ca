package io.waferflow.ingest.stdf;

import java.util.List;

/** Scan Structure Record (1/93, V4-2007): a STIL scan structure and the CDR indexes of its chains. */
public record Ssr(String name, List<Integer> chainIndexes) implements StdfData {}
