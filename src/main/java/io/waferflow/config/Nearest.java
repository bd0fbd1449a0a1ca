package io.waferflow.config;

import java.util.Collection;
import java.util.Optional;

/**
 * The known name nearest to a mistyped one, if it is near enough to be what was meant. The distance counts one edit per
 * inserted, deleted, changed or swapped character (optimal string alignment). Written here: Commons Text is not a
 * dependency, and a 2-row distance is a few lines. Public for the serving API's messages (an unknown feature).
 */
public final class Nearest {

    private Nearest() {}

    public static Optional<String> to(String typed, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = distance(typed.toLowerCase(), candidate.toLowerCase());
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        // One edit in a short name, up to three in a long one: more would suggest unrelated keys.
        int allowed = Math.max(1, Math.min(3, typed.length() / 3));
        return bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    static int distance(String a, String b) {
        int[] before = new int[b.length() + 1];
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    current[j] = Math.min(current[j], before[j - 2] + 1);
                }
            }
            int[] oldest = before;
            before = previous;
            previous = current;
            current = oldest;
        }
        return previous[b.length()];
    }
}
