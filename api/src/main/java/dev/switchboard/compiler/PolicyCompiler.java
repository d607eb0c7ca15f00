package dev.switchboard.compiler;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.switchboard.api.v1alpha1.Patterns;
import dev.switchboard.api.v1alpha1.SecretUse;
import dev.switchboard.api.v1alpha1.RoutingPolicySpec;
import dev.switchboard.api.v1alpha1.RoutingPolicySpec.Access;
import dev.switchboard.api.v1alpha1.RoutingPolicySpec.Client;
import dev.switchboard.api.v1alpha1.RoutingPolicySpec.Defaults;
import dev.switchboard.api.v1alpha1.RoutingPolicySpec.Redis;
import dev.switchboard.api.v1alpha1.Strategy;
import dev.switchboard.routing.AccessRules;
import dev.switchboard.routing.PolicySettings;
import dev.switchboard.routing.RequestPolicies;
import dev.switchboard.routing.SecretFile;

/** Turns a RoutingPolicy's defaults and access rules into table settings, filling the documented defaults. */
final class PolicyCompiler {

    static final String DEFAULT_DEADLINE = "120s";
    static final int DEFAULT_MAX_BODY = 4 * 1024 * 1024;

    private final Problems problems;

    PolicyCompiler(Problems problems) {
        this.problems = problems;
    }

    /** The settings, with tracing when the spec asks for it; its resource attributes name the policy. */
    PolicySettings settings(RoutingPolicySpec spec, String namespace, String policy) {
        Defaults defaults = spec.defaults() != null ? spec.defaults() : new Defaults(null, null, null, null, null, null, null);
        Strategy strategy = defaults.strategy() != null ? defaults.strategy() : Strategy.Weighted;

        var retry = defaults.retry();
        var backoff = retry != null ? retry.backoff() : null;
        long base = problems.millis("spec.defaults.retry.backoff.base", backoff != null ? backoff.base() : null, "100ms");
        long max = problems.millis("spec.defaults.retry.backoff.max", backoff != null ? backoff.max() : null, "2s");
        if (base > max) {
            problems.error("spec.defaults.retry.backoff.base", ProblemReason.InvalidValue, "backoff.base must not exceed backoff.max");
            base = max;
        }
        List<String> on = retry != null && retry.retryOn() != null
                ? PolicySettings.RETRY_CONDITIONS.stream().filter(c -> retry.retryOn().stream().anyMatch(o -> o.name().equals(c))).toList()
                : PolicySettings.RETRY_CONDITIONS;
        int attempts = retry != null && retry.attempts() != null ? retry.attempts() : 2;
        if (attempts < 0 || attempts > 10) {
            problems.error("spec.defaults.retry.attempts", ProblemReason.InvalidValue, "attempts must be between 0 and 10");
            attempts = 2;
        }

        var breaker = defaults.circuitBreaker();
        int consecutive = breaker != null && breaker.consecutiveFailures() != null ? breaker.consecutiveFailures() : 5;
        int probes = breaker != null && breaker.halfOpenProbes() != null ? breaker.halfOpenProbes() : 1;
        if (consecutive < 1 || probes < 1) {
            problems.error("spec.defaults.circuitBreaker", ProblemReason.InvalidValue, "consecutiveFailures and halfOpenProbes must be at least 1");
            consecutive = Math.max(consecutive, 1);
            probes = Math.max(probes, 1);
        }
        var circuitBreaker = new PolicySettings.CircuitBreaker(
                consecutive,
                breaker != null ? breaker.failureRateThreshold() : null,
                problems.millis("spec.defaults.circuitBreaker.window", breaker != null ? breaker.window() : null, "30s"),
                problems.millis("spec.defaults.circuitBreaker.openFor", breaker != null ? breaker.openFor() : null, "30s"),
                probes);

        long deadline = problems.positiveMillis("spec.defaults.deadline", defaults.deadline(), DEFAULT_DEADLINE);
        int maxBody = defaults.maxRequestBodyBytes() != null ? defaults.maxRequestBodyBytes() : DEFAULT_MAX_BODY;
        if (maxBody < 1024) {
            problems.error("spec.defaults.maxRequestBodyBytes", ProblemReason.InvalidValue, "must be at least 1024");
            maxBody = DEFAULT_MAX_BODY;
        }
        int maxResponse = defaults.maxResponseBodyBytes() != null ? defaults.maxResponseBodyBytes() : PolicySettings.DEFAULT_MAX_RESPONSE_BODY_BYTES;
        if (maxResponse < 1024) {
            problems.error("spec.defaults.maxResponseBodyBytes", ProblemReason.InvalidValue, "must be at least 1024");
            maxResponse = PolicySettings.DEFAULT_MAX_RESPONSE_BODY_BYTES;
        }
        return new PolicySettings(strategy.name(), new PolicySettings.Retry(attempts, base, max, on), circuitBreaker, deadline, maxBody,
                affinity(defaults.affinity()), maxResponse, tracing(spec.tracing(), namespace, policy));
    }

    private PolicySettings.Tracing tracing(RoutingPolicySpec.Tracing tracing, String namespace, String policy) {
        if (tracing == null) {
            return null;
        }
        if (tracing.endpoint() == null || !tracing.endpoint().matches(Patterns.ENDPOINT_URL)) {
            problems.error("spec.tracing.endpoint", ProblemReason.InvalidValue,
                    "tracing needs an http(s) endpoint URL without user info, query or fragment");
            return null;
        }
        double ratio = tracing.samplingRatio() != null ? tracing.samplingRatio() : 1.0;
        if (!(ratio >= 0 && ratio <= 1)) {
            problems.error("spec.tracing.samplingRatio", ProblemReason.InvalidValue, "must be between 0 and 1");
            return null;
        }
        Map<String, String> resource = new TreeMap<>();
        resource.put("service.name", "switchboard-gateway");
        if (tracing.resourceAttributes() != null) {
            for (var entry : tracing.resourceAttributes().entrySet()) {
                if (entry.getKey() == null || entry.getKey().isBlank() || entry.getValue() == null) {
                    problems.error("spec.tracing.resourceAttributes", ProblemReason.InvalidValue, "blank key or missing value");
                    return null;
                }
                resource.put(entry.getKey(), entry.getValue());
            }
        }
        // The policy's own identity always wins: a trace backend filters by it.
        if (namespace != null) {
            resource.put("k8s.namespace.name", namespace);
        }
        if (policy != null) {
            resource.put("switchboard.policy", policy);
        }
        String protocol = tracing.protocol() != null ? tracing.protocol().name() : RoutingPolicySpec.TracingProtocol.HttpProtobuf.name();
        return new PolicySettings.Tracing(tracing.endpoint(), protocol, ratio, resource, Boolean.TRUE.equals(tracing.recordContent()));
    }

    private PolicySettings.Affinity affinity(RoutingPolicySpec.Affinity affinity) {
        if (affinity == null) {
            return null;
        }
        boolean clientKey = Boolean.TRUE.equals(affinity.clientKey());
        if ((affinity.header() == null) != clientKey) {
            problems.error("spec.defaults.affinity", ProblemReason.InvalidValue, "affinity needs exactly one of header or clientKey: true");
            return null;
        }
        if (affinity.header() != null && !affinity.header().matches(dev.switchboard.api.v1alpha1.Patterns.HEADER_NAME)) {
            problems.error("spec.defaults.affinity.header", ProblemReason.InvalidValue, "not an HTTP header name: " + affinity.header());
            return null;
        }
        // Header names are case-insensitive; the table holds one spelling so equal inputs give equal bytes.
        return new PolicySettings.Affinity(affinity.header() == null ? null : affinity.header().toLowerCase(java.util.Locale.ROOT), clientKey);
    }

    /**
     * The access rules; {@code defaultKeyPrefix} keeps the Redis counters of policies sharing one Redis apart, and
     * {@code cluster} is the cluster's ServiceAccount issuer for `Kubernetes` issuers (null in local mode).
     */
    AccessRules access(RoutingPolicySpec spec, SecretIndex secrets, String secretRoot, String defaultKeyPrefix, ClusterIssuer cluster,
            Map<String, RequestPolicies.Hook> hooks) {
        Access access = spec.access() != null ? spec.access() : new Access(null, null);
        String mode = access.mode() != null ? access.mode().name() : AccessRules.API_KEYS;
        IdentityCompiler identity = new IdentityCompiler(problems, cluster);
        List<AccessRules.Issuer> issuers = identity.issuers(access.issuers() != null ? access.issuers() : List.of());
        List<AccessRules.ClientRule> candidates = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        List<Client> declared = access.clients() != null ? access.clients() : List.of();
        Set<String> seen = new java.util.HashSet<>();
        Map<String, String> clientsByKey = new java.util.HashMap<>();
        for (int i = 0; i < declared.size(); i++) {
            Client client = declared.get(i);
            String field = "spec.access.clients[" + i + "]";
            if (client.name() == null || !seen.add(client.name())) {
                problems.error(field + ".name", ProblemReason.InvalidValue, "client name missing or used twice: " + client.name());
                continue;
            }
            if (client.keyRef() == null && client.token() == null) {
                problems.error(field + ".keyRef", ProblemReason.InvalidValue, "a client needs keyRef, token or both: " + client.name());
                continue;
            }
            if (!RequestPolicyCompiler.hooksKnown(problems, field + ".hooks", "client " + client.name(), client.hooks(), hooks)) {
                continue;
            }
            SecretFile key = null;
            if (client.keyRef() != null) {
                if (client.keyRef().name() == null || client.keyRef().key() == null) {
                    problems.error(field + ".keyRef", ProblemReason.InvalidValue, "client " + client.name() + " needs keyRef.name and keyRef.key");
                    continue;
                }
                if (!SecretReferences.check(problems, field + ".keyRef", secrets, client.keyRef().name(), client.keyRef().key())) {
                    continue;
                }
                String owner = clientsByKey.putIfAbsent(keyIdentity(secrets, client.keyRef().name(), client.keyRef().key()), client.name());
                if (owner != null) {
                    // The gateway finds a client by its key: a shared key would silently belong to whichever came last.
                    problems.error(field + ".keyRef", ProblemReason.DuplicateClientKey, "client " + client.name() + " has the same key as client "
                            + owner + "; every client needs its own key, so client " + client.name() + " is left out");
                    continue;
                }
                key = SecretReferences.file(secretRoot, client.keyRef().name(), client.keyRef().key());
            }
            AccessRules.TokenRule token = null;
            if (client.token() != null) {
                token = identity.token(field + ".token", client.name(), client.token());
                if (token == null) {
                    continue;
                }
            }
            var limits = client.limits();
            var budget = client.budget();
            candidates.add(new AccessRules.ClientRule(
                    client.name(),
                    client.team(),
                    key,
                    token,
                    client.models() == null ? List.of() : client.models().stream().sorted().distinct().toList(),
                    limits == null ? null : new AccessRules.Limits(limits.requestsPerMinute(), limits.tokensPerMinute(), limits.maxConcurrency()),
                    budget == null ? null : new AccessRules.Budget(budget.perDay(), budget.perMonth(), budget.warnAt() != null ? budget.warnAt() : 0.8),
                    client.labels() == null ? null : new TreeMap<>(client.labels())));
            fields.add(field);
        }
        List<AccessRules.ClientRule> clients = new ArrayList<>(identity.withoutAmbiguities(candidates, fields));
        if (AccessRules.API_KEYS.equals(mode) && clients.isEmpty()) {
            problems.warning("spec.access", ProblemReason.UnsupportedCombination,
                    "access mode ApiKeys with no usable client: every request will be rejected with 401; list clients or set mode Open");
        }
        clients.sort(java.util.Comparator.comparing(AccessRules.ClientRule::name));
        SecretFile adminKey = null;
        if (access.adminKeyRef() != null
                && SecretReferences.check(problems, "spec.access.adminKeyRef", secrets, access.adminKeyRef().name(), access.adminKeyRef().key())) {
            String client = clientsByKey.get(keyIdentity(secrets, access.adminKeyRef().name(), access.adminKeyRef().key()));
            if (client != null) {
                problems.error("spec.access.adminKeyRef", ProblemReason.DuplicateClientKey, "the admin key is the key of client " + client
                        + "; the admin API stays off until the admin key differs from every client key");
            } else {
                adminKey = SecretReferences.file(secretRoot, access.adminKeyRef().name(), access.adminKeyRef().key());
            }
        }
        return new AccessRules(mode, clients, adminKey, redis(access.redis(), secrets, secretRoot, defaultKeyPrefix),
                forwardHeaders(access.forwardHeaders()), issuers);
    }

    /** Lower-case, sorted and distinct, so equal lists give equal tables; headers the gateway owns are refused. */
    private List<String> forwardHeaders(List<String> declared) {
        if (declared == null) {
            return List.of();
        }
        Set<String> headers = new java.util.TreeSet<>();
        for (int i = 0; i < declared.size(); i++) {
            String header = declared.get(i);
            String field = "spec.access.forwardHeaders[" + i + "]";
            if (header == null || !header.matches(Patterns.HEADER_NAME)) {
                problems.error(field, ProblemReason.InvalidValue, "not an HTTP header name: " + header);
            } else if (!AccessRules.forwardable(header)) {
                problems.error(field, ProblemReason.InvalidValue, "header " + header
                        + " is set by the gateway or belongs to one connection (credentials, framing, request id); clients cannot forward it");
            } else {
                headers.add(header.toLowerCase(java.util.Locale.ROOT));
            }
        }
        return List.copyOf(headers);
    }

    /** Equal values give equal identities; without value facts, only the same Secret key is known to be equal. */
    private static String keyIdentity(SecretIndex secrets, String secret, String key) {
        String fingerprint = secrets.value(secret, key).fingerprint();
        return fingerprint != null ? "value:" + fingerprint : "ref:" + secret + "/" + key;
    }

    static final String DEFAULT_REDIS_TIMEOUT = "250ms";
    static final int DEFAULT_REDIS_PORT = 6379;
    private static final java.util.regex.Pattern REDIS_ENDPOINT = java.util.regex.Pattern.compile(Patterns.REDIS_ENDPOINT);

    /** Null without Redis, or when the endpoint is unusable (an error; limits then count per replica). */
    private AccessRules.RedisStore redis(Redis redis, SecretIndex secrets, String secretRoot, String defaultKeyPrefix) {
        if (redis == null) {
            return null;
        }
        if (redis.endpoint() == null || !REDIS_ENDPOINT.matcher(redis.endpoint()).matches()) {
            problems.error("spec.access.redis.endpoint", ProblemReason.InvalidValue,
                    // The value is not quoted: a wrong endpoint may well be one with a password in it.
                    "not a Redis endpoint: use host:port, redis://host:port/db or rediss://host:port, without credentials (passwordRef holds the password)");
            return null;
        }
        SecretFile password = null;
        if (redis.passwordRef() != null) {
            if (!SecretReferences.check(problems, "spec.access.redis.passwordRef", secrets, redis.passwordRef().name(), redis.passwordRef().key())) {
                return null;
            }
            password = SecretReferences.file(secretRoot, redis.passwordRef().name(), redis.passwordRef().key());
        }
        String prefix = redis.keyPrefix() != null ? redis.keyPrefix() : defaultKeyPrefix;
        if (!prefix.matches(Patterns.REDIS_KEY_PREFIX)) {
            problems.error("spec.access.redis.keyPrefix", ProblemReason.InvalidValue, "not a usable key prefix: " + prefix);
            return null;
        }
        SecretFile caCert = null;
        if (redis.caCertRef() != null) {
            if (!redis.endpoint().startsWith("rediss://")) {
                problems.error("spec.access.redis.caCertRef", ProblemReason.UnsupportedCombination,
                        "caCertRef needs a TLS endpoint (rediss://host:port); the endpoint is plain redis");
                return null;
            }
            // A PEM certificate spans lines and never travels in a header: the only value exempt from the single-line rule.
            if (!SecretReferences.checkFile(problems, "spec.access.redis.caCertRef", secrets, redis.caCertRef().name(), redis.caCertRef().key())) {
                return null;
            }
            caCert = SecretReferences.file(secretRoot, redis.caCertRef().name(), redis.caCertRef().key());
        }
        String mode = redis.onUnavailable() != null ? redis.onUnavailable().name() : AccessRules.FAIL_OPEN;
        long timeout = problems.positiveMillis("spec.access.redis.timeout", redis.timeout(), DEFAULT_REDIS_TIMEOUT);
        return new AccessRules.RedisStore(redisUrl(redis.endpoint()), password, mode, prefix, timeout, caCert);
    }

    /** host:port and redis://host become one canonical form, so equal settings give equal tables. */
    static String redisUrl(String endpoint) {
        String scheme = "redis://";
        String rest = endpoint;
        if (endpoint.startsWith("rediss://") || endpoint.startsWith("redis://")) {
            scheme = endpoint.substring(0, endpoint.indexOf("://") + 3);
            rest = endpoint.substring(scheme.length());
        }
        String db = "/0";
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            db = rest.substring(slash);
            rest = rest.substring(0, slash);
        }
        boolean hasPort = rest.startsWith("[") ? rest.contains("]:") : rest.contains(":");
        return scheme + rest + (hasPort ? "" : ":" + DEFAULT_REDIS_PORT) + db;
    }

    /**
     * The gateway Deployment is not part of the table, but local validation should reject what the CRD's CEL rules
     * reject: replicas together with autoscaling, and minReplicas (default 2) above maxReplicas.
     */
    void checkGateway(RoutingPolicySpec spec) {
        var gateway = spec.gateway();
        if (gateway == null) {
            return;
        }
        if (gateway.replicas() != null && gateway.autoscaling() != null) {
            problems.error("spec.gateway.replicas", ProblemReason.UnsupportedCombination, "set either gateway.replicas or gateway.autoscaling, not both");
        }
        var autoscaling = gateway.autoscaling();
        if (autoscaling != null && autoscaling.maxReplicas() != null) {
            int min = autoscaling.minReplicas() != null ? autoscaling.minReplicas() : DEFAULT_MIN_REPLICAS;
            if (min > autoscaling.maxReplicas()) {
                problems.error("spec.gateway.autoscaling.minReplicas", ProblemReason.InvalidValue,
                        "autoscaling.minReplicas (" + min + (autoscaling.minReplicas() == null ? ", the default" : "")
                                + ") must not exceed autoscaling.maxReplicas (" + autoscaling.maxReplicas() + ")");
            }
        }
    }

    static final int DEFAULT_MIN_REPLICAS = 2;

    /** Shared secret-reference checks for client keys and provider credentials. */
    static final class SecretReferences {
        private SecretReferences() {
        }

        static boolean check(Problems problems, String field, SecretIndex secrets, String secret, String key) {
            if (!checkFile(problems, field, secrets, secret, key)) {
                return false;
            }
            if (!secrets.value(secret, key).singleLine()) {
                problems.error(field + ".key", ProblemReason.InvalidSecretValue, lineBreak(secret, key));
                return false;
            }
            return true;
        }

        /** The checks of {@link #check} but the single-line one: for a value read as a file, never sent in a header. */
        static boolean checkFile(Problems problems, String field, SecretIndex secrets, String secret, String key) {
            if (!usable(problems, field + ".name", secrets, secret)) {
                return false;
            }
            if (!secrets.keysOf(secret).contains(key)) {
                problems.error(field + ".key", ProblemReason.MissingSecretKey, "Secret " + secret + " has no key " + key);
                return false;
            }
            return true;
        }

        /** Reports why the resource being compiled may not use the Secret; true when it may. */
        static boolean usable(Problems problems, String field, SecretIndex secrets, String secret) {
            switch (secrets.standing(secret, problems.resource())) {
                case MISSING -> problems.error(field, ProblemReason.MissingSecret, "Secret " + secret + " does not exist");
                case NOT_OPTED_IN -> problems.error(field, ProblemReason.SecretNotOptedIn, "Secret " + secret + " is not labelled "
                        + SecretUse.SELECTOR + ": Switchboard uses only Secrets that opt in (kubectl label secret " + secret + " "
                        + SecretUse.SELECTOR + ")");
                case NOT_ALLOWED -> problems.error(field, ProblemReason.SecretNotAllowed, "Secret " + secret + " may be used only by "
                        + String.join(", ", secrets.usableBy(secret)) + " (annotation " + SecretUse.USABLE_BY + "), not by "
                        + problems.resource().kind() + "/" + problems.resource().name());
                case USABLE -> {
                    return true;
                }
            }
            return false;
        }

        /** Names the Secret and key, never the value. */
        static String lineBreak(String secret, String key) {
            return "Secret " + secret + " key " + key + " holds a line break (CR or LF) inside its value, which cannot be sent in an "
                    + "HTTP header; the value is not used";
        }

        static SecretFile file(String secretRoot, String secret, String key) {
            return new SecretFile(secret, key, secretRoot + "/" + secret + "/" + key);
        }
    }
}
