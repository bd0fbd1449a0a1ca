package io.waferflow.ingest.stdf;

/** What {@link StdfPartReader} reads from a file, in file order: a tested part, or a file-level issue. */
public sealed interface StdfItem permits StdfPart, StdfIssue {}
