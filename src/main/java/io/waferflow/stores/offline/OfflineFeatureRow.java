package io.waferflow.stores.offline;

import io.waferflow.features.WaferFeatures;

/** A committed offline feature row read back: the job's record, and the job version that computed it. */
public record OfflineFeatureRow(WaferFeatures features, String jobVersion) {}
