package io.waferflow.lineage;

import io.waferflow.config.FeaturesJobConfig;
import java.util.List;

/**
 * The lineage of the savepoint tools: a savepoint is a dataset (a directory of state), written from the input topic's
 * history ({@code bootstrap --until}), from a baseline file ({@code bootstrap --baseline}) or from another savepoint
 * ({@code migrate}). State has no columns, so these runs carry datasets and no column lineage.
 */
public final class SavepointLineage {

    private SavepointLineage() {}

    /** {@code savepoint bootstrap --until}: the features graph over the topic up to an instant, into a savepoint. */
    public static LineageJob fromHistory(FeaturesJobConfig c, String configFingerprint, String savepointUri) {
        return FeaturesLineage.job(
                c,
                "savepoint-bootstrap",
                c.jobName() + "." + c.featureGroup() + "." + c.featureVersion() + ".savepoint-bootstrap",
                LineageJob.BATCH,
                configFingerprint,
                List.of(FeaturesLineage.inputTopic(c)),
                List.of(savepoint(savepointUri)));
    }

    /** {@code savepoint bootstrap --baseline}: drift baselines from a file, into a savepoint. */
    public static LineageJob fromBaseline(
            FeaturesJobConfig c, String configFingerprint, String baselineUri, String savepointUri) {
        return FeaturesLineage.job(
                c,
                "savepoint-baseline",
                c.jobName() + ".savepoint-baseline",
                LineageJob.BATCH,
                configFingerprint,
                List.of(LineageDataset.files(baselineUri, "", null, List.of())),
                List.of(savepoint(savepointUri)));
    }

    /** {@code savepoint migrate}: one savepoint's state, transformed, into another. */
    public static LineageJob migrate(FeaturesJobConfig c, String configFingerprint, String fromUri, String toUri) {
        return FeaturesLineage.job(
                c,
                "savepoint-migrate",
                c.jobName() + ".savepoint-migrate",
                LineageJob.BATCH,
                configFingerprint,
                List.of(savepoint(fromUri)),
                List.of(savepoint(toUri)));
    }

    private static LineageDataset savepoint(String uri) {
        return LineageDataset.files(uri, "", null, List.of());
    }
}
