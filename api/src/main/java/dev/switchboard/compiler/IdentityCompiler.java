package dev.switchboard.compiler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.switchboard.api.v1alpha1.Patterns;
import dev.switchboard.api.v1alpha1.RoutingPolicySpec.ClaimMatch;
import dev.switchboard.api.v1alpha1.RoutingPolicySpec.Issuer;
import dev.switchboard.api.v1alpha1.RoutingPolicySpec.IssuerType;
import dev.switchboard.api.v1alpha1.RoutingPolicySpec.TokenMatch;
import dev.switchboard.routing.AccessRules;
import dev.switchboard.routing.AccessRules.ClaimRule;
import dev.switchboard.routing.AccessRules.ClientRule;
import dev.switchboard.routing.AccessRules.TokenRule;
import dev.switchboard.routing.Globs;

/**
 * The token side of a policy's access rules: trusted issuers, each client's token match, and the rule that keeps
 * matching decidable. A token is matched only against the clients of its issuer; two of them that may match one token
 * must differ in `priority` (the lowest wins). Whether two may match one token is decided conservatively: they are
 * disjoint only when both constrain one claim to a single value (`subject`, or a claim with `matches`) with globs that
 * no value satisfies together. Every other pair of one issuer and one priority is ambiguous and the later one is left
 * out, so a token never has two equally good clients.
 */
final class IdentityCompiler {

    static final String DEFAULT_CLOCK_SKEW = "30s";
    static final String DISCOVERY_PATH = "/.well-known/openid-configuration";
    static final String SUBJECT = "sub";
    static final int MAX_PRIORITY = 1000;
    private static final java.util.regex.Pattern ISSUER_URL = java.util.regex.Pattern.compile(Patterns.ISSUER_URL);
    private static final java.util.regex.Pattern POINTER = java.util.regex.Pattern.compile("^(/([^~/]|~[01])*)+$");

    private final Problems problems;
    private final ClusterIssuer cluster;
    /** Issuers that compiled, by name. */
    private final Map<String, AccessRules.Issuer> issuers = new TreeMap<>();
    /** Issuers that were declared but left out, so a client naming one is told why. */
    private final Set<String> leftOut = new HashSet<>();

    IdentityCompiler(Problems problems, ClusterIssuer cluster) {
        this.problems = problems;
        this.cluster = cluster;
    }

    /** The issuers that compiled, sorted by name; null when there are none (the table then has no issuers at all). */
    List<AccessRules.Issuer> issuers(List<Issuer> declared) {
        Map<String, String> byUrl = new HashMap<>();
        for (int i = 0; i < declared.size(); i++) {
            Issuer issuer = declared.get(i);
            String field = "spec.access.issuers[" + i + "]";
            if (issuer.name() == null || issuers.containsKey(issuer.name()) || leftOut.contains(issuer.name())) {
                problems.error(field + ".name", ProblemReason.InvalidValue, "issuer name missing or used twice: " + issuer.name());
                continue;
            }
            AccessRules.Issuer compiled = issuer(field, issuer);
            if (compiled == null) {
                leftOut.add(issuer.name());
                continue;
            }
            String other = byUrl.putIfAbsent(compiled.issuer(), issuer.name());
            if (other != null) {
                // The token's iss picks the issuer entry, so one URL can have only one.
                problems.error(field + ".issuer", ProblemReason.InvalidValue,
                        "issuer " + issuer.name() + " has the same URL as issuer " + other + "; a token's iss must pick one entry");
                leftOut.add(issuer.name());
                continue;
            }
            issuers.put(issuer.name(), compiled);
        }
        return issuers.isEmpty() ? null : List.copyOf(issuers.values());
    }

    private AccessRules.Issuer issuer(String field, Issuer issuer) {
        boolean kubernetes = issuer.type() == IssuerType.Kubernetes;
        boolean ok = true;
        if (kubernetes && (issuer.issuer() != null || issuer.jwksUri() != null)) {
            problems.error(field + ".issuer", ProblemReason.InvalidValue,
                    "a Kubernetes issuer takes its URL and keys from the cluster and sets neither issuer nor jwksUri");
            ok = false;
        }
        if (!kubernetes && (issuer.issuer() == null || !ISSUER_URL.matcher(issuer.issuer()).matches())) {
            problems.error(field + ".issuer", ProblemReason.InvalidValue,
                    "an OIDC issuer needs issuer, an https URL (http only on a loopback address)");
            ok = false;
        }
        if (issuer.jwksUri() != null && !ISSUER_URL.matcher(issuer.jwksUri()).matches()) {
            problems.error(field + ".jwksUri", ProblemReason.InvalidValue, "jwksUri must be an https URL (http only on a loopback address)");
            ok = false;
        }
        Set<String> audiences = new TreeSet<>();
        if (issuer.audiences() != null) {
            issuer.audiences().stream().filter(a -> a != null && !a.isBlank()).forEach(audiences::add);
        }
        if (audiences.isEmpty()) {
            problems.error(field + ".audiences", ProblemReason.InvalidValue, "an issuer needs at least one accepted audience");
            ok = false;
        }
        List<String> algorithms = AccessRules.ALGORITHMS;
        if (issuer.algorithms() != null && !issuer.algorithms().isEmpty()) {
            Set<String> named = new HashSet<>();
            issuer.algorithms().forEach(a -> named.add(a.name()));
            algorithms = AccessRules.ALGORITHMS.stream().filter(named::contains).toList();
        }
        long skew = problems.millis(field + ".clockSkew", issuer.clockSkew(), DEFAULT_CLOCK_SKEW);
        if (skew > AccessRules.MAX_CLOCK_SKEW_MS) {
            problems.error(field + ".clockSkew", ProblemReason.InvalidValue, "clockSkew must not exceed 5m");
            ok = false;
        }
        if (!ok) {
            return null;
        }
        if (kubernetes) {
            if (cluster == null || cluster.unavailable() != null) {
                problems.error(field, ProblemReason.IssuerUnavailable, cluster == null
                        ? "a Kubernetes issuer needs the cluster's API server, which local mode does not have; name an OIDC issuer with a jwksUri instead"
                        : "the cluster's ServiceAccount issuer could not be read: " + cluster.unavailable());
                return null;
            }
            return new AccessRules.Issuer(issuer.name(), cluster.issuer(), null, null, cluster.keys(), List.copyOf(audiences), algorithms, skew);
        }
        String discovery = issuer.jwksUri() == null ? stripSlash(issuer.issuer()) + DISCOVERY_PATH : null;
        return new AccessRules.Issuer(issuer.name(), issuer.issuer(), issuer.jwksUri(), discovery, null, List.copyOf(audiences), algorithms,
                skew);
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** A client's token match, or null (with the problem reported) when it cannot be used. */
    TokenRule token(String field, String client, TokenMatch match) {
        if (match.issuer() == null || !issuers.containsKey(match.issuer())) {
            problems.error(field + ".issuer", ProblemReason.UnknownIssuer, match.issuer() != null && leftOut.contains(match.issuer())
                    ? "client " + client + " names issuer " + match.issuer() + ", which is left out (see its problem)"
                    : "client " + client + " names issuer " + match.issuer() + ", which access.issuers does not declare");
            return null;
        }
        int priority = match.priority() == null ? 0 : match.priority();
        if (priority < 0 || priority > MAX_PRIORITY) {
            problems.error(field + ".priority", ProblemReason.InvalidValue, "priority must be between 0 and " + MAX_PRIORITY);
            return null;
        }
        List<ClaimRule> claims = new ArrayList<>();
        Set<String> single = new HashSet<>();
        if (match.subject() != null) {
            single.add(SUBJECT);
        }
        List<ClaimMatch> declared = match.claims() == null ? List.of() : match.claims();
        for (int i = 0; i < declared.size(); i++) {
            ClaimMatch claim = declared.get(i);
            String claimField = field + ".claims[" + i + "]";
            if (claim.claim() == null || claim.claim().isEmpty() || (claim.claim().startsWith("/") && !POINTER.matcher(claim.claim()).matches())) {
                problems.error(claimField + ".claim", ProblemReason.InvalidValue,
                        "not a claim name or JSON pointer: " + claim.claim() + " (escape ~ as ~0 and / as ~1 in a pointer)");
                return null;
            }
            if ((claim.matches() == null) == (claim.contains() == null)) {
                problems.error(claimField + ".matches", ProblemReason.InvalidValue, "a claim match needs exactly one of matches or contains");
                return null;
            }
            if (claim.matches() != null && !single.add(normalClaim(claim.claim()))) {
                problems.error(claimField + ".claim", ProblemReason.InvalidValue,
                        "claim " + claim.claim() + " is matched twice (subject is the claim sub); one value cannot be matched by two globs here");
                return null;
            }
            claims.add(new ClaimRule(claim.claim(), claim.matches(), claim.contains()));
        }
        claims.sort(Comparator.comparing(ClaimRule::claim).thenComparing(c -> String.valueOf(c.matches())).thenComparing(c -> String.valueOf(c.contains())));
        return new TokenRule(match.issuer(), match.subject(), claims, priority);
    }

    /** A top-level claim and its one-step pointer are the same claim. */
    private static String normalClaim(String claim) {
        if (claim.startsWith("/") && claim.indexOf('/', 1) < 0) {
            return claim.substring(1).replace("~1", "/").replace("~0", "~");
        }
        return claim;
    }

    /**
     * Leaves out every token client (in declaration order, with its field) that may match a token an earlier kept
     * client of the same issuer and priority matches.
     */
    List<ClientRule> withoutAmbiguities(List<ClientRule> declared, List<String> fields) {
        List<ClientRule> kept = new ArrayList<>();
        for (int i = 0; i < declared.size(); i++) {
            ClientRule client = declared.get(i);
            TokenRule token = client.token();
            ClientRule clash = token == null ? null : kept.stream()
                    .filter(other -> other.token() != null && other.token().issuer().equals(token.issuer())
                            && other.token().priority() == token.priority() && !disjoint(token, other.token()))
                    .findFirst().orElse(null);
            if (clash != null) {
                problems.error(fields.get(i) + ".token", ProblemReason.AmbiguousClients,
                        "clients " + clash.name() + " and " + client.name() + " may both match one token of issuer " + token.issuer()
                                + " at priority " + token.priority() + "; give them different token.priority, or a claim (subject, or one with"
                                + " matches) that both constrain with globs no value satisfies together; " + client.name() + " is left out");
                continue;
            }
            kept.add(client);
        }
        return kept;
    }

    /** True when no token can match both: some claim both pin to a single value with globs that share no string. */
    static boolean disjoint(TokenRule a, TokenRule b) {
        Map<String, String> pinnedA = pinned(a);
        Map<String, String> pinnedB = pinned(b);
        for (Map.Entry<String, String> entry : pinnedA.entrySet()) {
            String other = pinnedB.get(entry.getKey());
            if (other != null && !Globs.overlap(entry.getValue(), other)) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, String> pinned(TokenRule rule) {
        Map<String, String> pinned = new HashMap<>();
        if (rule.subject() != null) {
            pinned.put(SUBJECT, rule.subject());
        }
        rule.claims().stream().filter(c -> c.matches() != null).forEach(c -> pinned.put(normalClaim(c.claim()), c.matches()));
        return pinned;
    }
}
