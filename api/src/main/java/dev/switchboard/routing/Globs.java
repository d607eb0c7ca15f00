package dev.switchboard.routing;

import java.util.ArrayDeque;
import java.util.Deque;
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
}
