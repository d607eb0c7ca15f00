package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Glob matching, and the overlap and containment decisions the compiler's ambiguity checks rest on. */
class GlobsTest {

    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @CsvSource({
            "system:serviceaccount:team-a:*, system:serviceaccount:team-a:trainer, true",
            "system:serviceaccount:team-a:*, system:serviceaccount:team-b:*, false",
            "system:serviceaccount:team-a:*, system:serviceaccount:*:trainer, true",
            "*:team-c:*, system:serviceaccount:team-a:*, true",
            "a?c, abc, true",
            "a?c, ac, false",
            "a*, *b, true",
            "a*a, b*, false",
            "*, '', true",
            "'', ?, false",
            "ab*cd, ab?d, true",
            "ab*cd, ab?e, false",
            "ab*cd, ab?cd, true",
            "x*y*z, *q*, true",
            "exact, exact, true",
            "exact, exacT, false"})
    void overlapIsDecidedExactly(String a, String b, boolean overlap) {
        assertThat(Globs.overlap(a, b)).isEqualTo(overlap);
        assertThat(Globs.overlap(b, a)).isEqualTo(overlap);
    }

    /** Against brute force: every string over the globs' alphabet up to a length that any common string can be shortened to. */
    @Test
    void overlapAgreesWithBruteForce() {
        Random random = new Random(16);
        String alphabet = "ab*?";
        for (int round = 0; round < 2000; round++) {
            String a = randomGlob(random, alphabet);
            String b = randomGlob(random, alphabet);
            assertThat(Globs.overlap(a, b)).as("%s ~ %s", a, b).isEqualTo(bruteForce(a, b));
        }
    }

    private static String randomGlob(Random random, String alphabet) {
        StringBuilder glob = new StringBuilder();
        int length = random.nextInt(5);
        for (int i = 0; i < length; i++) {
            glob.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return glob.toString();
    }

    /** A common string, if any, is at most as long as both globs together with stars taking one character each. */
    private static boolean bruteForce(String a, String b) {
        var pa = Globs.pattern(a);
        var pb = Globs.pattern(b);
        List<String> layer = List.of("");
        for (int length = 0; length <= a.length() + b.length(); length++) {
            for (String candidate : layer) {
                if (pa.matcher(candidate).matches() && pb.matcher(candidate).matches()) {
                    return true;
                }
            }
            layer = layer.stream().flatMap(s -> java.util.stream.Stream.of(s + "a", s + "b", s + "c")).toList();
        }
        return false;
    }

    @ParameterizedTest(name = "{0} covers {1}: {2}")
    @CsvSource({
            "anthropic/*, anthropic/claude-*, true",
            "anthropic/claude-*, anthropic/*, false",
            "*, '', true",
            "*-mini, gpt-*, false",
            "gpt-*, *-mini, false",
            "?*, *?, true",
            "*?, ?*, true",
            "a*, ?*, false",
            "?*, a*, true",
            "*a*, *a?*, true",
            "a?c, abc, true",
            "abc, a?c, false",
            "**, *, true",
            "x*y*z, x*z, false"})
    void coversDecidesContainment(String general, String specific, boolean covers) {
        assertThat(Globs.covers(general, specific)).isEqualTo(covers);
    }

    /**
     * Against brute force: a glob that does not cover another misses one of the other's strings no longer than both
     * globs together (stars taking at most one character more), so the search up to that length decides it.
     */
    @Test
    void coversAgreesWithBruteForce() {
        Random random = new Random(22);
        for (int round = 0; round < 3000; round++) {
            String general = randomGlob(random, "ab*?");
            String specific = randomGlob(random, "ab*?");
            assertThat(Globs.covers(general, specific)).as("%s covers %s", general, specific)
                    .isEqualTo(coveredByBruteForce(general, specific));
        }
    }

    private static boolean coveredByBruteForce(String general, String specific) {
        var pg = Globs.pattern(general);
        var ps = Globs.pattern(specific);
        List<String> layer = List.of("");
        for (int length = 0; length <= general.length() + specific.length() + 1; length++) {
            for (String candidate : layer) {
                if (ps.matcher(candidate).matches() && !pg.matcher(candidate).matches()) {
                    return false;
                }
            }
            layer = layer.stream().flatMap(s -> java.util.stream.Stream.of(s + "a", s + "b", s + "c")).toList();
        }
        return true;
    }

    @Test
    void patternsQuoteEverythingButStarAndQuestionMark() {
        assertThat(Globs.pattern("gpt-4o.*").matcher("gpt-4o.mini").matches()).isTrue();
        assertThat(Globs.pattern("gpt-4o.*").matcher("gpt-4oXmini").matches()).isFalse();
        assertThat(Globs.pattern("[a]+").matcher("[a]+").matches()).isTrue();
        assertThat(Globs.pattern("a?").matcher("a\n").matches()).isTrue();
    }
}
