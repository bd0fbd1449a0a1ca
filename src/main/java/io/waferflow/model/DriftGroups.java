package io.waferflow.model;

import java.util.List;

/**
 * Drift per group ({@code drift.group_by}): which input fields can group, a group's label, and the drift detector's key
 * for it. A group is one value of one grouping field, labelled {@code <field>=<value>} ({@code tester_id=T07}); values
 * beyond {@code drift.max_groups} of a parameter are judged together as {@code <field>=(other)}. Overall metrics have
 * no group (null), and keep the parameter's name as their detector key, as before grouping existed.
 */
public final class DriftGroups {

    /** The fields a record carries that can group drift: the tester, and the lot. */
    public static final List<String> GROUPABLE = List.of("tester_id", "lot_id");

    /** The value under which a field's groups beyond the cap are counted together. */
    public static final String OTHER = "(other)";

    /** Between the parameter and the group in a detector key; never in a YAML field name. */
    private static final char KEY_SEPARATOR = '\u001f';

    private DriftGroups() {}

    /** The record's value of a groupable field; null when the record has none (then it is judged overall only). */
    public static String valueOf(DeviceTest r, String field) {
        return switch (field) {
            case "tester_id" -> r.testerId;
            case "lot_id" -> r.lotId;
            default -> throw new IllegalArgumentException("cannot group drift by " + field + ", only by " + GROUPABLE);
        };
    }

    /** {@code tester_id=T07}. */
    public static String label(String field, String value) {
        return field + "=" + value;
    }

    /** The field of a group label ({@code tester_id}). */
    public static String field(String group) {
        return group.substring(0, group.indexOf('='));
    }

    /** The value of a group label ({@code T07}). */
    public static String value(String group) {
        return group.substring(group.indexOf('=') + 1);
    }

    /** Whether a group label is the overflow group of its field. */
    public static boolean isOther(String group) {
        return OTHER.equals(value(group));
    }

    /** How people read a group: "tester T07", "lot L12", "testers beyond the cap". */
    public static String describe(String group) {
        String noun = field(group).endsWith("_id")
                ? field(group).substring(0, field(group).length() - 3)
                : field(group);
        return isOther(group) ? noun + "s beyond drift.max_groups" : noun + " " + value(group);
    }

    /** The drift detector's key: the parameter alone overall, parameter and group for a group. */
    public static String detectorKey(String feature, String group) {
        return group == null ? feature : feature + KEY_SEPARATOR + group;
    }

    /** The parameter of a detector key. */
    public static String featureOf(String detectorKey) {
        int at = detectorKey.indexOf(KEY_SEPARATOR);
        return at < 0 ? detectorKey : detectorKey.substring(0, at);
    }

    /** The group of a detector key; null for an overall key. */
    public static String groupOf(String detectorKey) {
        int at = detectorKey.indexOf(KEY_SEPARATOR);
        return at < 0 ? null : detectorKey.substring(at + 1);
    }
}
