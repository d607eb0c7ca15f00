package dev.switchboard.gateway.access.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Keys and tokens are told apart by shape alone, and claims are found and matched as the docs say. */
class JwtShapeTest {

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
            "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln, true",
            "eyJhbGciOiJub25lIn0.eyJpc3MiOiJ4In0., true",
            "sk-proj-abc123, false",
            "sk-client-search-0004, false",
            "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0, false",
            "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln.more, false",
            "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2l+, false",
            "abc.def.ghi, false"})
    void tokensAreThreeBase64UrlSegmentsWithAJsonHeader(String value, boolean jwt) {
        assertThat(JwtShape.looksLikeJwt(value)).isEqualTo(jwt);
    }

    @Test
    void oversizedValuesAreNotTokens() {
        assertThat(JwtShape.looksLikeJwt("eyJ" + "a".repeat(JwtShape.MAX_LENGTH) + ".b.c")).isFalse();
    }

    @Test
    void claimsAreFoundByNameOrPointerAndMatchedAsValuesOrListElements() {
        Map<String, Object> claims = Map.of(
                "sub", "system:serviceaccount:team-a:trainer",
                "groups", List.of("staff", "ml-platform"),
                "https://example.com/roles", "admin",
                "level", 3L,
                "kubernetes.io", Map.of("namespace", "team-a", "a/b", "slash"));

        assertThat(ClaimMatcher.subject("system:serviceaccount:team-a:*").test(claims)).isTrue();
        assertThat(ClaimMatcher.subject("system:serviceaccount:team-b:*").test(claims)).isFalse();
        assertThat(new ClaimMatcher("groups", dev.switchboard.routing.Globs.pattern("ml-*"), true).test(claims)).isTrue();
        assertThat(new ClaimMatcher("groups", dev.switchboard.routing.Globs.pattern("ml-*"), false).test(claims)).as("a list never matches").isFalse();
        assertThat(new ClaimMatcher("https://example.com/roles", dev.switchboard.routing.Globs.pattern("admin"), true).test(claims))
                .as("a single value is a list of one").isTrue();
        assertThat(new ClaimMatcher("level", dev.switchboard.routing.Globs.pattern("3"), false).test(claims)).isTrue();
        assertThat(new ClaimMatcher("/kubernetes.io/namespace", dev.switchboard.routing.Globs.pattern("team-a"), false).test(claims)).isTrue();
        assertThat(new ClaimMatcher("/kubernetes.io/a~1b", dev.switchboard.routing.Globs.pattern("slash"), false).test(claims)).isTrue();
        assertThat(new ClaimMatcher("/kubernetes.io/missing", dev.switchboard.routing.Globs.pattern("*"), false).test(claims)).isFalse();
        assertThat(new ClaimMatcher("kubernetes.io", dev.switchboard.routing.Globs.pattern("*"), false).test(claims)).as("an object is no value").isFalse();
    }
}
