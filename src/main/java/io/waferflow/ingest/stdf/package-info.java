/**
 * STDF V4 (Standard Test Data Format) records, read from the bytes the testers write. Hand-written on purpose: no
 * library on the registries reads STDF V4 well (both byte orders, omitted trailing fields, streaming). The record
 * layouts follow the public STDF V4 specification; see docs/stdf.md.
 */
package io.waferflow.ingest.stdf;
