package io.waferflow.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A table of text cells for command output: aligned plain text for a terminal (columns padded to their widest cell,
 * numeric columns right-aligned), or Markdown for documents. Hand-written: picocli's Help.TextTable lays out usage help
 * and neither aligns numbers nor writes Markdown.
 */
public final class TextTable {

    private static final Pattern NUMERIC = Pattern.compile("[-+<>≤≥~]?[0-9.].*|-|n/a|NaN|[-+]?Infinity");

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public TextTable(String... header) {
        this.header = List.of(header);
    }

    public TextTable row(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException(cells.length + " cells for " + header.size() + " columns");
        }
        rows.add(Arrays.stream(cells).map(String::valueOf).toList());
        return this;
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** Aligned plain text, two spaces between columns, a dashed rule under the header. */
    public String render() {
        int[] width = widths();
        boolean[] right = rightAligned();
        StringBuilder sb = new StringBuilder();
        line(sb, header, width, right);
        List<String> rule = new ArrayList<>();
        for (int w : width) {
            rule.add("-".repeat(w));
        }
        line(sb, rule, width, right);
        for (List<String> r : rows) {
            line(sb, r, width, right);
        }
        return sb.toString();
    }

    /** A GitHub-flavoured Markdown table, numeric columns right-aligned. */
    public String markdown() {
        boolean[] right = rightAligned();
        StringBuilder sb = new StringBuilder();
        sb.append("| ").append(String.join(" | ", header)).append(" |\n|");
        for (boolean r : right) {
            sb.append(r ? "---:|" : "---|");
        }
        sb.append('\n');
        for (List<String> r : rows) {
            sb.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        return sb.toString();
    }

    private int[] widths() {
        int[] width = new int[header.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = header.get(i).length();
            for (List<String> r : rows) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        return width;
    }

    private boolean[] rightAligned() {
        boolean[] right = new boolean[header.size()];
        for (int i = 0; i < right.length; i++) {
            right[i] = !rows.isEmpty();
            for (List<String> r : rows) {
                right[i] &= NUMERIC.matcher(r.get(i)).matches();
            }
        }
        return right;
    }

    private static void line(StringBuilder sb, List<String> cells, int[] width, boolean[] right) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                line.append("  ");
            }
            String pad = " ".repeat(width[i] - cells.get(i).length());
            line.append(right[i] ? pad + cells.get(i) : cells.get(i) + pad);
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }
}
