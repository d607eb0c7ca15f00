package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Glob matching, and the overlap decision the compiler's ambiguity check rests on. */
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

    @Test
    void patternsQuoteEverythingButStarAndQuestionMark() {
        assertThat(Globs.pattern("gpt-4o.*").matcher("gpt-4o.mini").matches()).isTrue();
        assertThat(Globs.pattern("gpt-4o.*").matcher("gpt-4oXmini").matches()).isFalse();
        assertThat(Globs.pattern("[a]+").matcher("[a]+").matches()).isTrue();
        assertThat(Globs.pattern("a?").matcher("a\n").matches()).isTrue();
    }
}
