package io.waferflow.lineage;

import static io.waferflow.lineage.FeaturesLineage.DIRECT;
import static io.waferflow.lineage.FeaturesLineage.INDIRECT;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.derived.DerivedFeatures;
import io.waferflow.jobs.TrainingSetPlan;
import io.waferflow.stores.offline.FeatureRowAvro;
import io.waferflow.training.FeatureInput;
import io.waferflow.training.LabelColumn;
import io.waferflow.training.LabelSchema;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * The lineage of a {@code training-set} run: the labels and every feature table it joins in, the training set out, and
 * each output column from what it was joined or computed from: a feature column from the same column of its table's
 * latest row before the label time, a derived feature from its expression's stored inputs, a label column from the
 * labels. Rows are joined on the entity and filtered by window end against the label time (indirect lineage).
 */
public final class TrainingSetLineage {

    private static final String AS_OF = "the latest row of the label's entity whose window ended before the label time";

    private TrainingSetLineage() {}

    public static LineageJob of(FeaturesJobConfig c, String configFingerprint, TrainingSetPlan plan, String model) {
        LabelSchema ls = plan.labelSchema();
        List<LineageDataset.Field> labelFields = new ArrayList<>();
        labelFields.add(new LineageDataset.Field(ls.entityColumn(), "string", "the entity id"));
        labelFields.add(new LineageDataset.Field(ls.timeColumn(), "timestamp", "the label time"));
        for (LabelColumn col : ls.columns()) {
            labelFields.add(
                    new LineageDataset.Field(col.name(), col.type().name().toLowerCase(), null));
        }
        LineageDataset labels = LineageDataset.files(plan.inputPaths().get(0), "", null, labelFields);

        List<LineageDataset> tables = new ArrayList<>();
        for (FeatureInput in : plan.inputs()) {
            tables.add(FeaturesLineage.featureTable(c, in.group(), in.version()));
        }
        List<LineageDataset.Field> outFields = new ArrayList<>();
        for (Schema.Field f : plan.rowAvro().schema().getFields()) {
            outFields.add(new LineageDataset.Field(f.name(), typeOf(f.schema()), null));
        }
        LineageDataset out = LineageDataset.files(plan.outputPath(), "", null, outFields);

        List<LineageDataset.Source> indirect = new ArrayList<>();
        indirect.add(labels.source(ls.entityColumn(), INDIRECT, "JOIN", "joined on the entity id"));
        indirect.add(labels.source(ls.timeColumn(), INDIRECT, "FILTER", "rows whose window ended before it"));
        out = out.withColumn(
                        ls.entityColumn(), List.of(labels.source(ls.entityColumn(), DIRECT, "IDENTITY", "the entity")))
                .withColumn(
                        ls.timeColumn(), List.of(labels.source(ls.timeColumn(), DIRECT, "IDENTITY", "the label time")));
        for (LabelColumn col : ls.columns()) {
            out = out.withColumn(col.name(), List.of(labels.source(col.name(), DIRECT, "IDENTITY", "as labelled")));
        }
        for (int i = 0; i < plan.inputs().size(); i++) {
            FeatureInput in = plan.inputs().get(i);
            LineageDataset table = tables.get(i);
            indirect.add(table.source(FeatureRowAvro.WAFER_ID, INDIRECT, "JOIN", "joined on the entity id"));
            indirect.add(table.source(FeatureRowAvro.WINDOW_END, INDIRECT, "FILTER", "before the label time"));
            LineageDataset.Source windowEnd =
                    table.source(FeatureRowAvro.WINDOW_END, DIRECT, "IDENTITY", "the window end of " + AS_OF);
            out = out.withColumn(in.windowEndColumn(), List.of(windowEnd))
                    .withColumn(
                            in.statusColumn(),
                            List.of(
                                    table.source(
                                            FeatureRowAvro.WINDOW_END,
                                            DIRECT,
                                            "CONDITIONAL",
                                            "ok, no_row, too_old or not_available_yet: whether a row was found"),
                                    labels.source(ls.timeColumn(), DIRECT, "CONDITIONAL", "against the label time")));
            for (String feature : in.requested()) {
                out = out.withColumn(in.column(feature), List.of(table.source(feature, DIRECT, "IDENTITY", AS_OF)));
            }
        }
        FeatureInput derivedFrom = plan.derivedInput();
        if (derivedFrom != null) {
            LineageDataset table = tables.get(plan.inputs().indexOf(derivedFrom));
            DerivedFeatures derived = plan.derived();
            for (String name : plan.derivedNames()) {
                String expression = derived.expression(name);
                out = out.withColumn(
                        derivedFrom.column(name),
                        derived.storedInputs(name).stream()
                                .map(stored -> table.source(stored, DIRECT, "TRANSFORMATION", expression))
                                .toList());
            }
        }
        out = out.withIndirect(indirect);
        return FeaturesLineage.trainingSet(c, configFingerprint, labels, tables, out, model);
    }

    private static String typeOf(Schema s) {
        if (s.getType() == Schema.Type.UNION) {
            return s.getTypes().stream()
                    .filter(t -> t.getType() != Schema.Type.NULL)
                    .findFirst()
                    .map(TrainingSetLineage::typeOf)
                    .orElse("null");
        }
        return s.getLogicalType() != null
                ? s.getLogicalType().getName()
                : s.getType().getName();
    }
}
