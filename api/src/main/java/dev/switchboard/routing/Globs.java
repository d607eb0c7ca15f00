package dev.switchboard.routing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The globs of the access rules (model allow-lists, token subjects and claims): `*` stands for any run of characters
 * (also none), `?` for exactly one, every other character for itself.
 */
public final class Globs {

    private Globs() {
    }

    /** The glob as an anchored regular expression. */
    public static Pattern pattern(String glob) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? "[\\s\\S]*" : "[\\s\\S]");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString());
    }

    /**
     * Whether some string matches both globs. Decided exactly on the product of the two patterns: a state is a pair of
     * positions, `*` may consume a character of the other side's step or nothing at all, and both reaching their end
     * together means a common string exists. Quadratic in the lengths, which the schema bounds.
     */
    public static boolean overlap(String a, String b) {
        int n = a.length();
        int m = b.length();
        boolean[][] seen = new boolean[n + 1][m + 1];
        Deque<int[]> pending = new ArrayDeque<>();
        pending.push(new int[] { 0, 0 });
        while (!pending.isEmpty()) {
            int[] state = pending.pop();
            int i = state[0];
            int j = state[1];
            if (seen[i][j]) {
                continue;
            }
            seen[i][j] = true;
            if (i == n && j == m) {
                return true;
            }
            boolean starA = i < n && a.charAt(i) == '*';
            boolean starB = j < m && b.charAt(j) == '*';
            // A star may match nothing.
            if (starA) {
                pending.push(new int[] { i + 1, j });
            }
            if (starB) {
                pending.push(new int[] { i, j + 1 });
            }
            if (i < n && j < m) {
                char x = a.charAt(i);
                char y = b.charAt(j);
                if (starA && !starB) {
                    // The star takes the character the other side consumes here.
                    pending.push(new int[] { i, j + 1 });
                } else if (starB && !starA) {
                    pending.push(new int[] { i + 1, j });
                } else if (!starA && (x == '?' || y == '?' || x == y)) {
                    pending.push(new int[] { i + 1, j + 1 });
                }
            }
        }
        return false;
    }
    /** Containment searches at most this many states; beyond it the answer is no (see {@link #covers}). */
    private static final int COVER_SEARCH_LIMIT = 200_000;

    /**
     * Whether every string {@code specific} matches also matches {@code general}. Runs the general glob's automaton
     * (a set of positions) along every way of reading the specific glob: a literal is read as itself, a `?` as any one
     * character and a `*` as any run, where "any character" means each literal of the general glob and one character
     * it does not name (all others act alike). Covered when every way ends with the general glob at its end. The
     * search is bounded; should a pathological pair exhaust it the answer is no, so the compiler reports an ambiguity
     * that may be none, never the other way round.
     */
    public static boolean covers(String general, String specific) {
        StringBuilder alphabet = new StringBuilder();
        for (char c : general.toCharArray()) {
            if (c != '*' && c != '?' && alphabet.indexOf(String.valueOf(c)) < 0) {
                alphabet.append(c);
            }
        }
        char other = 0;
        while (alphabet.indexOf(String.valueOf(other)) >= 0 || other == '*' || other == '?') {
            other++;
        }
        alphabet.append(other);
        int m = specific.length();
        List<Set<BitSet>> seen = new ArrayList<>();
        for (int j = 0; j <= m; j++) {
            seen.add(new HashSet<>());
        }
        Deque<Object[]> pending = new ArrayDeque<>();
        BitSet start = new BitSet();
        start.set(0);
        pending.push(new Object[] { 0, closure(general, start) });
        int explored = 0;
        while (!pending.isEmpty()) {
            Object[] state = pending.pop();
            int j = (Integer) state[0];
            BitSet positions = (BitSet) state[1];
            if (!seen.get(j).add(positions)) {
                continue;
            }
            if (++explored > COVER_SEARCH_LIMIT) {
                return false;
            }
            if (j == m) {
                if (!positions.get(general.length())) {
                    return false;
                }
                continue;
            }
            char c = specific.charAt(j);
            if (c == '*') {
                pending.push(new Object[] { j + 1, positions });
            }
            if (c == '*' || c == '?') {
                for (int k = 0; k < alphabet.length(); k++) {
                    pending.push(new Object[] { c == '*' ? j : j + 1, step(general, positions, alphabet.charAt(k)) });
                }
            } else {
                pending.push(new Object[] { j + 1, step(general, positions, c) });
            }
        }
        return true;
    }

    /** The positions a glob can be at after reading one more character. */
    private static BitSet step(String glob, BitSet positions, char c) {
        BitSet next = new BitSet();
        for (int i = positions.nextSetBit(0); i >= 0 && i < glob.length(); i = positions.nextSetBit(i + 1)) {
            char g = glob.charAt(i);
            if (g == '*') {
                next.set(i);
            } else if (g == '?' || g == c) {
                next.set(i + 1);
            }
        }
        return closure(glob, next);
    }

    /** A star may match nothing: being before it is being after it too. */
    private static BitSet closure(String glob, BitSet positions) {
        for (int i = positions.nextSetBit(0); i >= 0 && i < glob.length(); i = positions.nextSetBit(i + 1)) {
            if (glob.charAt(i) == '*') {
                positions.set(i + 1);
            }
        }
        return positions;
    }

    /** The number of characters every match has: the literals and the `?`s. */
    public static int fixedLength(String glob) {
        int fixed = 0;
        for (int i = 0; i < glob.length(); i++) {
            if (glob.charAt(i) != '*') {
                fixed++;
            }
        }
        return fixed;
    }
}
