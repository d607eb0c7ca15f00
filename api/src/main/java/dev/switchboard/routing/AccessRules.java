package dev.switchboard.routing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Who may call the gateway (client keys, and tokens of trusted {@code issuers}), how much, where the shared counters
 * live, and which of a client's request headers reach providers ({@code forwardHeaders}: lower-case names, sorted).
 * Both lists are omitted from the table when empty.
 */
public record AccessRules(
        String mode,
        List<ClientRule> clients,
        SecretFile adminKey,
        RedisStore redis,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> forwardHeaders,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Issuer> issuers) {

    public static final String OPEN = "Open";
    public static final String API_KEYS = "ApiKeys";
    public static final String FAIL_OPEN = "FailOpen";
    public static final String FAIL_CLOSED = "FailClosed";
    /** The JWS algorithms a table may accept: asymmetric ones only. */
    public static final List<String> ALGORITHMS = List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512",
            "EdDSA");
    /** The largest clock skew a table may allow. */
    public static final long MAX_CLOCK_SKEW_MS = 300_000;

    /**
     * Headers the gateway sets itself or that belong to one hop: credentials (the provider's key goes in its own
     * header), connection management and body framing, the request id, and the gateway's own response headers. A
     * client may never set them upstream, whatever the policy lists.
     */
    public static final Set<String> UNFORWARDABLE_HEADERS = Set.of("authorization", "proxy-authorization", "x-api-key", "api-key",
            "x-goog-api-key", "ocp-apim-subscription-key", "cookie", "host", "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding",
            "upgrade", "expect", "content-length", "content-type", "content-encoding", "accept", "accept-encoding", "x-request-id");

    public AccessRules {
        clients = clients == null ? List.of() : List.copyOf(clients);
        forwardHeaders = forwardHeaders == null ? List.of() : List.copyOf(forwardHeaders);
        issuers = issuers == null ? List.of() : List.copyOf(issuers);
    }

    public AccessRules(String mode, List<ClientRule> clients, SecretFile adminKey, RedisStore redis) {
        this(mode, clients, adminKey, redis, List.of(), List.of());
    }

    public AccessRules(String mode, List<ClientRule> clients) {
        this(mode, clients, null, null);
    }

    /** Whether a policy may list the header (any spelling) in forwardHeaders. */
    public static boolean forwardable(String header) {
        String name = header.toLowerCase(Locale.ROOT);
        return !UNFORWARDABLE_HEADERS.contains(name) && !name.startsWith("x-switchboard-");
    }

    /** A client: its key (a secret file) and/or the tokens that identify it, and what it may use. */
    public record ClientRule(
            String name,
            String team,
            SecretFile key,
            TokenRule token,
            List<String> models,
            Limits limits,
            Budget budget,
            Map<String, String> labels) {
        public ClientRule {
            models = models == null ? List.of() : List.copyOf(models);
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }

        public ClientRule(String name, String team, SecretFile key, List<String> models, Limits limits, Budget budget,
                Map<String, String> labels) {
            this(name, team, key, null, models, limits, budget, labels);
        }
    }

    /**
     * A trusted token issuer. `issuer` is the exact `iss` of its tokens. Its keys come from exactly one of: `jwksUri`
     * (fetched and refreshed by the gateway), `discovery` (the OIDC discovery document naming the JWK set), or `keys`
     * (published in the table; the Kubernetes preset, whose keys the operator reads from the API server).
     */
    public record Issuer(
            String name,
            String issuer,
            String jwksUri,
            String discovery,
            List<PublicKey> keys,
            List<String> audiences,
            List<String> algorithms,
            long clockSkewMs) {
        public Issuer {
            keys = keys == null ? null : List.copyOf(keys);
            audiences = audiences == null ? List.of() : List.copyOf(audiences);
            algorithms = algorithms == null ? List.of() : List.copyOf(algorithms);
        }
    }

    /** One public key of a JWK set (RFC 7517): RSA (`n`, `e`), EC (`crv`, `x`, `y`) or OKP (`crv`, `x`). Never private members. */
    public record PublicKey(String kid, String kty, String alg, String use, String crv, String n, String e, String x, String y) {
    }

    /**
     * Tokens that identify a client: of `issuer` (an issuer's name), with a subject matching the `subject` glob and
     * every claim rule; among clients that may match one token, the lowest `priority` wins.
     */
    public record TokenRule(String issuer, String subject, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ClaimRule> claims, int priority) {
        public TokenRule {
            claims = claims == null ? List.of() : List.copyOf(claims);
        }
    }

    /**
     * A claim the token must carry: `claim` is a top-level name or a JSON pointer (starting with `/`); exactly one of
     * `matches` (glob on a single value) and `contains` (glob on one element of a list).
     */
    public record ClaimRule(String claim, String matches, String contains) {
    }

    public record Limits(Integer requestsPerMinute, Integer tokensPerMinute, Integer maxConcurrency) {
    }

    public record Budget(Double perDay, Double perMonth, double warnAt) {
    }

    /**
     * The shared counter store. `url` is always `redis://` or `rediss://` with host, port and database, and never
     * holds credentials; the password is read from `password`. `caCert` (rediss:// only) is the PEM file of the CA
     * that signed the server's certificate; without it the JVM's trust store decides.
     */
    public record RedisStore(String url, SecretFile password, String onUnavailable, String keyPrefix, long timeoutMs, SecretFile caCert) {

        public RedisStore(String url, SecretFile password, String onUnavailable, String keyPrefix, long timeoutMs) {
            this(url, password, onUnavailable, keyPrefix, timeoutMs, null);
        }

        public boolean tls() {
            return url != null && url.startsWith("rediss://");
        }
    }

    /** Every secret file the access rules name: client keys, the admin key, the Redis password and CA certificate. */
    public Set<SecretFile> secretFiles() {
        Set<SecretFile> files = new LinkedHashSet<>();
        clients.stream().map(ClientRule::key).filter(k -> k != null).forEach(files::add);
        if (adminKey != null) {
            files.add(adminKey);
        }
        if (redis != null && redis.password() != null) {
            files.add(redis.password());
        }
        if (redis != null && redis.caCert() != null) {
            files.add(redis.caCert());
        }
        return files;
    }

    private static List<String> validate(Issuer issuer) {
        List<String> errors = new ArrayList<>();
        String field = "access.issuers[" + issuer.name() + "]";
        if (issuer.issuer() == null || issuer.issuer().isBlank()) {
            errors.add(field + ".issuer: missing");
        }
        int sources = (issuer.jwksUri() != null ? 1 : 0) + (issuer.discovery() != null ? 1 : 0) + (issuer.keys() != null ? 1 : 0);
        if (sources != 1) {
            errors.add(field + ": needs exactly one of jwksUri, discovery and keys");
        }
        if (issuer.audiences().isEmpty()) {
            errors.add(field + ".audiences: at least one is needed");
        }
        if (issuer.algorithms().isEmpty() || !ALGORITHMS.containsAll(issuer.algorithms())) {
            errors.add(field + ".algorithms: must be a non-empty subset of " + ALGORITHMS);
        }
        if (issuer.clockSkewMs() < 0 || issuer.clockSkewMs() > MAX_CLOCK_SKEW_MS) {
            errors.add(field + ".clockSkewMs: must be between 0 and " + MAX_CLOCK_SKEW_MS);
        }
        if (issuer.keys() != null) {
            for (PublicKey key : issuer.keys()) {
                if (!List.of("RSA", "EC", "OKP").contains(key.kty())) {
                    errors.add(field + ".keys: unsupported key type " + key.kty());
                }
            }
        }
        return errors;
    }

    private static List<String> validate(String client, TokenRule token, Set<String> issuerNames) {
        List<String> errors = new ArrayList<>();
        String field = "access.clients[" + client + "].token";
        if (!issuerNames.contains(token.issuer())) {
            errors.add(field + ".issuer: no issuer named " + token.issuer());
        }
        for (ClaimRule claim : token.claims()) {
            if (claim.claim() == null || claim.claim().isEmpty()) {
                errors.add(field + ".claims: a claim name is missing");
            }
            if ((claim.matches() == null) == (claim.contains() == null)) {
                errors.add(field + ".claims[" + claim.claim() + "]: needs exactly one of matches and contains");
            }
        }
        return errors;
    }

    List<String> validate() {
        List<String> errors = new ArrayList<>();
        if (!OPEN.equals(mode) && !API_KEYS.equals(mode)) {
            errors.add("access.mode: unknown mode " + mode);
        }
        Set<String> issuerNames = new HashSet<>();
        for (Issuer issuer : issuers) {
            if (!issuerNames.add(issuer.name())) {
                errors.add("access.issuers: duplicate issuer " + issuer.name());
            }
            errors.addAll(validate(issuer));
        }
        Set<String> names = new HashSet<>();
        for (ClientRule client : clients) {
            if (!names.add(client.name())) {
                errors.add("access.clients: duplicate client " + client.name());
            }
            if (client.key() == null && client.token() == null) {
                errors.add("access.clients[" + client.name() + "]: neither a key file nor a token rule");
            }
            if (client.key() != null && client.key().path() == null) {
                errors.add("access.clients[" + client.name() + "]: key file missing");
            }
            if (client.token() != null) {
                errors.addAll(validate(client.name(), client.token(), issuerNames));
            }
            Budget budget = client.budget();
            if (budget != null && (budget.warnAt() < 0 || budget.warnAt() > 1)) {
                errors.add("access.clients[" + client.name() + "].budget.warnAt: must be between 0 and 1");
            }
        }
        for (String header : forwardHeaders) {
            if (!header.equals(header.toLowerCase(Locale.ROOT)) || !forwardable(header)) {
                errors.add("access.forwardHeaders: " + header + " is not a lower-case header a client may forward");
            }
        }
        if (adminKey != null && adminKey.path() == null) {
            errors.add("access.adminKey: key file missing");
        }
        if (redis != null) {
            if (redis.url() == null || !redis.url().matches("^rediss?://[^@/\\s]+(/[0-9]{1,2})?$")) {
                errors.add("access.redis.url: not a redis:// or rediss:// URL without credentials");
            }
            if (!FAIL_OPEN.equals(redis.onUnavailable()) && !FAIL_CLOSED.equals(redis.onUnavailable())) {
                errors.add("access.redis.onUnavailable: unknown mode " + redis.onUnavailable());
            }
            if (redis.keyPrefix() == null || redis.keyPrefix().isBlank()) {
                errors.add("access.redis.keyPrefix: missing");
            }
            if (redis.timeoutMs() <= 0) {
                errors.add("access.redis.timeoutMs: must be positive");
            }
            if (redis.password() != null && redis.password().path() == null) {
                errors.add("access.redis.password: key file missing");
            }
            if (redis.caCert() != null && (redis.caCert().path() == null || !redis.tls())) {
                errors.add("access.redis.caCert: needs a file path and a rediss:// URL");
            }
        }
        return errors;
    }
}
