package io.waferflow.ingest.stdf;

/** File Attributes Record (0/10): CPU_TYPE (1 big-endian, 2 little-endian) and STDF_VER. */
public record Far(int cpuType, int stdfVersion) implements StdfData {}
