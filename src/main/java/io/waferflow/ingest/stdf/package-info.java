/**
 * STDF V4 (Standard Test Data Format) records, read from the bytes the testers write, and the parts they describe.
 * Hand-written on purpose: no library on the registries reads STDF V4 well (both byte orders, omitted trailing fields,
 * streaming). The record layouts follow the public STDF V4 specification. {@link io.waferflow.ingest.stdf.StdfReader}
 * and {@link io.waferflow.ingest.stdf.StdfDecoder} give records; {@link io.waferflow.ingest.stdf.StdfPartReader}
 * assembles them into device-test parts and file-level issues ({@link io.waferflow.ingest.stdf.StdfRules}) with a
 * per-file report and the blocking policy. See docs/stdf.md.
 */
package io.waferflow.ingest.stdf;
