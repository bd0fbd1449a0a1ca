package io.waferflow.ingest.stdf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.waferflow.model.Severity;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * What reading one STDF file found: its size and records, its parts (by head/site, passed, published, quarantined), its
 * wafers, its issues by rule and by severity, whether it was blocked and by which rule, a recommendation per rule
 * present, and how long reading took. Complete once {@link StdfPartReader#next()} returned null.
 *
 * @param bytes bytes read from the file (compressed size for a compressed file)
 * @param stdfBytes bytes of STDF records read (uncompressed), up to the end or to the damage
 * @param records records read by type name (FAR, MIR, PTR, ...; {@code 1/99} for a type outside the specification)
 * @param parts parts with a PIR and a PRR
 * @param publishedParts parts emitted as {@link StdfPart}
 * @param quarantinedParts parts an issue stands for (without PRR, duplicate, without coordinates, blocked)
 * @param partsBySite complete parts by {@code h<head>s<site>}
 * @param passedParts complete parts whose PRR says passed
 * @param blockingApplied false when the file was read once from a stream: no blocking policy then
 * @param blockOn the configured blocking severity (null: none)
 * @param blockedBy the rule that blocked the file, or null
 */
public record StdfFileReport(
        String file,
        long bytes,
        long stdfBytes,
        Map<String, Long> records,
        long parts,
        long publishedParts,
        long quarantinedParts,
        Map<String, Long> partsBySite,
        long passedParts,
        List<String> wafers,
        Map<String, RuleSummary> issues,
        Map<Severity, Long> issuesBySeverity,
        boolean blockingApplied,
        Severity blockOn,
        boolean blocked,
        String blockedBy,
        List<String> recommendations,
        long millis) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One rule's issues in the file: how many, where the first was, and the fields they concern. */
    public record RuleSummary(Severity severity, long count, long firstOffset, List<String> fields) {}

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A few lines for a terminal (stderr): counts, then one line per rule, then the recommendations. */
    public String toText() {
        StringBuilder s = new StringBuilder();
        s.append(file).append(": ").append(stdfBytes).append(" STDF bytes, ");
        s.append(records.values().stream().mapToLong(Long::longValue).sum()).append(" records, ");
        s.append(parts)
                .append(" parts (")
                .append(passedParts)
                .append(" passed) on ")
                .append(wafers.size());
        s.append(wafers.size() == 1 ? " wafer " : " wafers ").append(wafers).append("; ");
        s.append(publishedParts).append(" published, ").append(quarantinedParts).append(" quarantined; ");
        s.append(millis).append(" ms\n");
        if (blocked) {
            s.append("  BLOCKED by ")
                    .append(blockedBy)
                    .append(" (block_on ")
                    .append(name(blockOn))
                    .append(")\n");
        } else if (!blockingApplied) {
            s.append("  blocking not applied (the file was read once, from a stream)\n");
        }
        if (issues.isEmpty()) {
            s.append("  no issues\n");
        }
        issues.forEach((rule, r) -> {
            s.append("  ")
                    .append(r.severity())
                    .append(' ')
                    .append(rule)
                    .append(": ")
                    .append(r.count());
            s.append(", first at byte ").append(r.firstOffset());
            if (!r.fields().isEmpty()) {
                s.append(", fields ").append(String.join(", ", r.fields()));
            }
            s.append('\n');
        });
        for (String r : recommendations) {
            s.append("  -> ").append(r).append('\n');
        }
        return s.toString();
    }

    private static String name(Severity s) {
        return s == null ? "none" : s.name().toLowerCase();
    }
}
