package io.waferflow.lineage;

import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineage.RunEvent.EventType;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.runtime.util.EnvironmentInformation;

/**
 * Turns a {@link LineageJob} and a run's state into OpenLineage run events with the client's builder: the job (type
 * facet: STREAMING or BATCH), the run (processing engine, tags: job version, configuration fingerprint, the job's and
 * the run's tags, and the error of a failed run), the input datasets (schema) and the output datasets (schema, version,
 * column lineage).
 */
final class RunEvents {

    /** Who wrote the events (the OpenLineage {@code _producer}). */
    static final URI PRODUCER = URI.create("urn:io.waferflow:waferflow");

    static final String JOB_VERSION = "job_version";
    static final String CONFIG_FINGERPRINT = "config_fingerprint";
    static final String KIND = "kind";

    private final OpenLineage ol = new OpenLineage(PRODUCER);

    OpenLineage.RunEvent event(
            LineageJob job, UUID runId, EventType type, Map<String, String> runTags, Throwable error) {
        List<OpenLineage.TagsRunFacetFields> tags = new ArrayList<>();
        tags.add(ol.newTagsRunFacetFields(KIND, job.kind(), "WAFERFLOW"));
        tags.add(ol.newTagsRunFacetFields(JOB_VERSION, job.jobVersion(), "CONFIG"));
        tags.add(ol.newTagsRunFacetFields(CONFIG_FINGERPRINT, job.configFingerprint(), "CONFIG"));
        job.tags().forEach((k, v) -> tags.add(ol.newTagsRunFacetFields(k, v, "WAFERFLOW")));
        runTags.forEach((k, v) -> tags.add(ol.newTagsRunFacetFields(k, v, "FLINK")));
        OpenLineage.RunFacetsBuilder runFacets = ol.newRunFacetsBuilder()
                .processing_engine(
                        ol.newProcessingEngineRunFacet(EnvironmentInformation.getVersion(), "flink", job.jobVersion()))
                .tags(ol.newTagsRunFacet(tags));
        if (error != null) {
            StringWriter trace = new StringWriter();
            error.printStackTrace(new PrintWriter(trace));
            runFacets.errorMessage(ol.newErrorMessageRunFacet(String.valueOf(error), "JAVA", trace.toString()));
        }
        OpenLineage.JobFacets jobFacets = ol.newJobFacetsBuilder()
                .jobType(ol.newJobTypeJobFacet(job.processingType(), "WAFERFLOW", "JOB", null))
                .build();
        return ol.newRunEventBuilder()
                .eventType(type)
                .eventTime(ZonedDateTime.now())
                .run(ol.newRun(runId, runFacets.build()))
                .job(ol.newJob(job.namespace(), job.name(), jobFacets))
                .inputs(job.inputs().stream().map(this::input).toList())
                .outputs(job.outputs().stream().map(this::output).toList())
                .build();
    }

    private OpenLineage.InputDataset input(LineageDataset d) {
        return ol.newInputDatasetBuilder()
                .namespace(d.namespace())
                .name(d.name())
                .facets(facets(d))
                .build();
    }

    private OpenLineage.OutputDataset output(LineageDataset d) {
        return ol.newOutputDatasetBuilder()
                .namespace(d.namespace())
                .name(d.name())
                .facets(facets(d))
                .build();
    }

    private OpenLineage.DatasetFacets facets(LineageDataset d) {
        OpenLineage.DatasetFacetsBuilder f = ol.newDatasetFacetsBuilder();
        if (!d.fields().isEmpty()) {
            f.schema(ol.newSchemaDatasetFacet(d.fields().stream()
                    .map(x -> ol.newSchemaDatasetFacetFields(x.name(), x.type(), x.description(), null, null))
                    .toList()));
        }
        if (d.version() != null) {
            f.version(ol.newDatasetVersionDatasetFacet(d.version()));
        }
        if (!d.columns().isEmpty() || !d.indirect().isEmpty()) {
            OpenLineage.ColumnLineageDatasetFacetFieldsBuilder fields = ol.newColumnLineageDatasetFacetFieldsBuilder();
            d.columns()
                    .forEach((name, sources) -> fields.put(
                            name,
                            ol.newColumnLineageDatasetFacetFieldsAdditionalBuilder()
                                    .inputFields(inputFields(sources))
                                    .build()));
            f.columnLineage(ol.newColumnLineageDatasetFacet(fields.build(), inputFields(d.indirect())));
        }
        return f.build();
    }

    private List<OpenLineage.InputField> inputFields(List<LineageDataset.Source> sources) {
        return sources.stream()
                .map(s -> ol.newInputField(
                        s.namespace(),
                        s.name(),
                        s.field(),
                        List.of(ol.newInputFieldTransformations(s.type(), s.subtype(), s.description(), false))))
                .toList();
    }
}
