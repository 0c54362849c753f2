package org.specscope.engine.model.safetensors;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Finds the tensor names a missing one was probably meant to be: names that contain it or are
 * contained in it (an extra or missing prefix or suffix), names equal to it once the leading
 * dotted components are dropped (another naming scheme's prefix), then names a few edits away.
 */
final class NameSuggestions {

    private NameSuggestions() {
    }

    private record Candidate(String name, int rank, int distance) {
    }

    /** Up to {@code limit} names of {@code names} closest to {@code wanted}, best first. */
    static List<String> closest(String wanted, Collection<String> names, int limit) {
        List<Candidate> candidates = new ArrayList<>();
        int editBudget = Math.max(3, wanted.length() / 4);
        for (String name : names) {
            int lengthGap = Math.abs(name.length() - wanted.length());
            if (name.contains(wanted) || wanted.contains(name)) {
                if (!name.isEmpty() && !wanted.isEmpty()) {
                    candidates.add(new Candidate(name, 0, lengthGap));
                }
            } else if (sameAfterDroppingPrefixes(wanted, name)) {
                candidates.add(new Candidate(name, 1, lengthGap));
            } else if (lengthGap <= editBudget) {
                int d = editDistance(wanted, name, editBudget);
                if (d <= editBudget) {
                    candidates.add(new Candidate(name, 2, d));
                }
            }
        }
        candidates.sort(Comparator.comparingInt(Candidate::rank).thenComparingInt(Candidate::distance)
                .thenComparing(Candidate::name));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < candidates.size() && i < limit; i++) {
            out.add(candidates.get(i).name());
        }
        return out;
    }

    /** "model.layers.0.w" and "transformer.layers.0.w": equal once up to two leading components go. */
    private static boolean sameAfterDroppingPrefixes(String a, String b) {
        String ta = a;
        for (int i = 0; i <= 2; i++) {
            String tb = b;
            for (int j = 0; j <= 2; j++) {
                if ((i > 0 || j > 0) && ta.equals(tb) && ta.indexOf('.') >= 0) {
                    return true;
                }
                int dot = tb.indexOf('.');
                if (dot < 0) {
                    break;
                }
                tb = tb.substring(dot + 1);
            }
            int dot = ta.indexOf('.');
            if (dot < 0) {
                break;
            }
            ta = ta.substring(dot + 1);
        }
        return false;
    }

    /** Levenshtein distance, or a value above {@code cap} as soon as it must exceed it. */
    static int editDistance(String a, String b, int cap) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            int rowMin = cur[0];
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
                rowMin = Math.min(rowMin, cur[j]);
            }
            if (rowMin > cap) {
                return cap + 1;
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
