package dev.switchboard.api.v1alpha1;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record RoutingPolicySpec(
        @JsonPropertyDescription("Selects the ModelGroups in this namespace that the gateway serves. Omitted or empty selects all of them.") LabelSelector modelGroupSelector,
        @JsonPropertyDescription("Routing and resilience behaviour for every model group, unless a group overrides it.") Defaults defaults,
        @JsonPropertyDescription("Who may call the gateway and what each caller may use.") Access access,
        @JsonPropertyDescription("How the gateway Deployment is sized and scheduled.") Gateway gateway,
        @JsonPropertyDescription("OpenTelemetry traces of the gateway's requests, exported over OTLP. Unset: no traces (the default).") Tracing tracing,
        @Size(max = 32) @JsonPropertyDescription("Request hooks that ModelGroups (spec.hooks) and clients (access.clients[].hooks) may name: HTTP services that see a request before it is sent (PreCall: allow, deny or rewrite it) or a non-streamed answer before the client does (PostCall), and the built-in redaction of patterns in request text (redact).") List<Hook> hooks,
        @JsonPropertyDescription("Where the response cache keeps answers: in Redis when access.redis is set (shared by every replica), else in each replica's memory, bounded here. Which requests are cached is chosen per ModelGroup and per client (their cache field).") ResponseCache cache) {

    /** A spec without tracing. */
    public RoutingPolicySpec(LabelSelector modelGroupSelector, Defaults defaults, Access access, Gateway gateway) {
        this(modelGroupSelector, defaults, access, gateway, null);
    }

    /** A spec without hooks or cache store settings. */
    public RoutingPolicySpec(LabelSelector modelGroupSelector, Defaults defaults, Access access, Gateway gateway, Tracing tracing) {
        this(modelGroupSelector, defaults, access, gateway, tracing, null, null);
    }

    public enum HookPhase {
        /** Before the request is sent upstream (and before the cache is asked): may allow, deny or rewrite the request. */
        PreCall,
        /** After a whole, non-streamed answer arrived and before the client sees it: may allow, deny or rewrite it. */
        PostCall
    }

    public enum HookFailureMode {
        /** A hook that fails or times out is skipped: the request goes on as if it had allowed it. */
        FailOpen,
        /** A hook that fails or times out refuses the request with 503 hook_unavailable. */
        FailClosed
    }

    /** No schema defaults (list items); the compiler fills them. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "has(self.url) != has(self.redact)", message = "a hook needs exactly one of url (an HTTP hook service) and redact (the built-in redaction)", fieldPath = ".url", reason = "FieldValueRequired")
    @ValidationRule(value = "!has(self.redact) || self.phase == 'PreCall'", message = "redaction is a PreCall hook", fieldPath = ".phase", reason = "FieldValueInvalid")
    @ValidationRule(value = "has(self.url) || !has(self.tokenRef)", message = "tokenRef belongs to an HTTP hook (url)", fieldPath = ".tokenRef", reason = "FieldValueForbidden")
    public record Hook(
            @Required @Pattern(Patterns.DNS_LABEL) @JsonPropertyDescription("Name of the hook, as ModelGroups and clients name it, and in metrics and access logs.") String name,
            @Required @JsonPropertyDescription("PreCall (sees the request and the client) or PostCall (sees a whole, non-streamed answer; streams are not shown to PostCall hooks).") HookPhase phase,
            @Pattern(Patterns.ENDPOINT_URL) @Size(max = 512) @JsonPropertyDescription("The hook service's URL: the gateway POSTs a JSON document to it per request and reads allow, deny or modify from its answer (see docs/gateway.md, Hooks).") String url,
            @JsonPropertyDescription("The built-in redaction hook: replaces matches of the patterns in the request's message text before anything else sees it. No service involved.") Redaction redact,
            @Pattern(Patterns.DURATION) @JsonPropertyDescription("Longest wait for the hook's answer (default 1s), itself cut to what is left of the request's deadline.") String timeout,
            @JsonPropertyDescription("What a failed or timed-out hook means: FailClosed (default) refuses the request with 503 hook_unavailable, FailOpen goes on without it.") HookFailureMode onFailure,
            @JsonPropertyDescription("Secret key holding a token the gateway sends to the hook service as Authorization: Bearer.") SecretKeyRef tokenRef) {
    }

    public enum RedactionPreset {
        /** E-mail addresses. */
        Email,
        /** Payment card numbers: 13 to 19 digits, optionally grouped by spaces or dashes. */
        CardNumber,
        /** API keys and tokens of common shapes (sk-..., AKIA..., ghp_..., xox?-..., Bearer tokens). */
        ApiKey
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Redaction(
            @Size(max = 8) @JsonPropertyDescription("Built-in patterns: Email, CardNumber, ApiKey.") List<RedactionPreset> presets,
            @Size(max = 32) @JsonPropertyDescription("Further patterns, as Java regular expressions.") List<RedactionPattern> patterns) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RedactionPattern(
            @Required @Pattern(Patterns.DNS_LABEL) @JsonPropertyDescription("Name of the pattern, shown in the replacement unless one is given.") String name,
            @Required @Size(min = 1, max = 512) @JsonPropertyDescription("A Java regular expression; every match in the request's message text is replaced.") String regex,
            @Size(max = 128) @JsonPropertyDescription("What replaces a match; default [REDACTED:<name>].") String replacement) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ResponseCache(
            @Min(1) @Max(10000000) @Default("10000") @JsonPropertyDescription("Most answers kept in a replica's memory (least recently used go first). Not used with Redis.") Integer maxEntries,
            @Min(1024) @Max(17179869184L) @Default("67108864") @JsonPropertyDescription("Most bytes of answers kept in a replica's memory (least recently used go first); an answer larger than a tenth of it is not stored. Not used with Redis.") Long maxBytes) {
    }

    public enum RetryCondition {
        /** The upstream answered 429 Too Many Requests. */
        RateLimited,
        /** The upstream answered 500, 502, 503 or 504. */
        ServerError,
        /** No connection could be opened, or it was reset before a response. */
        ConnectFailure,
        /** A connect, first-byte or idle timeout expired. */
        Timeout
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Defaults(
            @Default("Weighted") @JsonPropertyDescription("Default target selection strategy.") Strategy strategy,
            @JsonPropertyDescription("Retries of a failed upstream attempt.") Retry retry,
            @JsonPropertyDescription("Per-target circuit breaker.") CircuitBreaker circuitBreaker,
            @Pattern(Patterns.DURATION) @Default("120s") @JsonPropertyDescription("One time budget per request, shared by all retries and fallbacks.") String deadline,
            @Min(1024) @Max(104857600) @Default("4194304") @JsonPropertyDescription("Largest request body accepted, in bytes; larger requests get 413.") Integer maxRequestBodyBytes,
            @Min(1024) @Max(1073741824) @Default("33554432") @JsonPropertyDescription("Largest upstream answer the gateway holds whole, in bytes (every answer but a stream it relays as it comes); a larger one is cut off and the client gets 502 upstream_response_too_large. Raise it for large embedding batches (2048 inputs of 3072 dimensions are about 85 MB) together with the gateway's memory.") Integer maxResponseBodyBytes,
            @JsonPropertyDescription("Session affinity: requests with the same session key go to the same target while it is healthy, so provider prompt caches stay warm. Unset: no affinity.") Affinity affinity) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "has(self.header) != (has(self.clientKey) && self.clientKey)", message = "affinity needs exactly one of header or clientKey: true", fieldPath = ".header", reason = "FieldValueInvalid")
    public record Affinity(
            @Pattern(Patterns.HEADER_NAME) @Size(max = 128) @JsonPropertyDescription("Request header whose value is the session key, for example x-session-id. Requests without it are routed normally.") String header,
            @JsonPropertyDescription("Use the caller's client key (the Authorization header) as the session key.") Boolean clientKey) {
    }

    /** The list is {@code retryOn}, not {@code on}: kubectl reads YAML 1.1, where an unquoted {@code on:} key is the boolean true. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Retry(
            @Min(0) @Max(10) @Default("2") @JsonPropertyDescription("Retries after the first attempt (0 disables retries).") Integer attempts,
            @JsonPropertyDescription("Exponential backoff between attempts, with jitter; an upstream Retry-After takes precedence.") Backoff backoff,
            @JsonPropertyDescription("Failure classes that are retried: RateLimited (429), ServerError (5xx), ConnectFailure, Timeout. Other client errors are never retried.") List<RetryCondition> retryOn) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "!has(self.base) || !has(self.max) || duration(self.base) <= duration(self.max)", message = "backoff.base must not exceed backoff.max", fieldPath = ".base", reason = "FieldValueInvalid")
    public record Backoff(
            @Pattern(Patterns.DURATION) @Default("100ms") @JsonPropertyDescription("Delay before the first retry; doubles on each further retry.") String base,
            @Pattern(Patterns.DURATION) @Default("2s") @JsonPropertyDescription("Upper bound of the delay between retries.") String max) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CircuitBreaker(
            @Min(1) @Max(1000) @Default("5") @JsonPropertyDescription("Consecutive failures that open the breaker.") Integer consecutiveFailures,
            @Min(0) @Max(1) @JsonPropertyDescription("Failure ratio (0 to 1) over the window that also opens the breaker; unset disables rate-based opening.") Double failureRateThreshold,
            @Pattern(Patterns.DURATION) @Default("30s") @JsonPropertyDescription("Window over which the failure rate is measured.") String window,
            @Pattern(Patterns.DURATION) @Default("30s") @JsonPropertyDescription("How long an open breaker rejects traffic before probing.") String openFor,
            @Min(1) @Max(100) @Default("1") @JsonPropertyDescription("Successful half-open probes needed to close the breaker.") Integer halfOpenProbes) {
    }

    public enum AccessMode {
        /** Every caller that can reach the Service may use every model: for trusted namespaces only. */
        Open,
        /** Callers must identify as one of the clients: by its client key, or by a token of a trusted issuer that the client matches. */
        ApiKeys
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @ValidationRule(value = "self.mode != 'ApiKeys' || (has(self.clients) && size(self.clients) > 0)", message = "access.mode ApiKeys needs at least one entry in access.clients", fieldPath = ".clients", reason = "FieldValueRequired")
    public record Access(
            @Default("ApiKeys") @JsonPropertyDescription("ApiKeys (default) requires every request to identify a client, by its client key or by a token of one of the issuers; Open admits every caller.") AccessMode mode,
            @Size(max = 1000) @JsonPropertyDescription("Client identities, each with its key or token match, allowed models, limits and budget.") List<Client> clients,
            @JsonPropertyDescription("Secret key holding the admin key for the gateway's /admin/v1/* endpoints (routing table, usage, remaining budgets). Without it the admin endpoints answer 404.") SecretKeyRef adminKeyRef,
            @JsonPropertyDescription("Shared store for rate-limit and budget counters. With it, every gateway replica enforces one combined limit; without it each replica counts on its own, so N replicas admit up to N times each limit.") Redis redis,
            @Size(max = 32) @JsonPropertyDescription("Request headers a client may pass on to providers that receive its request untranslated (for example anthropic-beta, anthropic-version, openai-beta); the client's value replaces the Provider's header of that name. Empty (the default): no client header reaches a provider, and the Provider's headers apply. Credentials, hop-by-hop and body framing headers cannot be listed.") List<@Pattern(Patterns.HEADER_NAME) String> forwardHeaders,
            @Size(max = 16) @JsonPropertyDescription("Trusted token issuers: OIDC providers, or the cluster's own ServiceAccount issuer (type Kubernetes). A signed JWT of one of them, sent like a client key, identifies the client whose token match it satisfies (clients[].token).") List<Issuer> issuers) {

        public Access(AccessMode mode, List<Client> clients) {
            this(mode, clients, null, null, null, null);
        }

        public Access(AccessMode mode, List<Client> clients, SecretKeyRef adminKeyRef, Redis redis) {
            this(mode, clients, adminKeyRef, redis, null, null);
        }
    }

    public enum IssuerType {
        /** An OpenID Connect provider, or any JWT issuer that publishes its keys as a JWK set. */
        OIDC,
        /** The cluster's own ServiceAccount token issuer: the operator reads its URL and public keys from the API server. */
        Kubernetes
    }

    /** Asymmetric JWS algorithms only: an HMAC key would be a shared secret, and `none` signs nothing. */
    public enum SigningAlgorithm {
        RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA
    }

    /** No schema defaults here: defaults inside list items make a perpetual diff in Argo CD, so the compiler fills them. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @ValidationRule(value = "has(self.type) && self.type == 'Kubernetes' ? !has(self.issuer) && !has(self.jwksUri) : has(self.issuer)", message = "an OIDC issuer needs issuer; a Kubernetes issuer takes its URL and keys from the cluster and sets neither issuer nor jwksUri", fieldPath = ".issuer", reason = "FieldValueInvalid")
    @ValidationRule(value = "!has(self.clockSkew) || duration(self.clockSkew) <= duration('5m')", message = "clockSkew must not exceed 5m", fieldPath = ".clockSkew", reason = "FieldValueInvalid")
    public record Issuer(
            @Required @Pattern(Patterns.DNS_LABEL) @JsonPropertyDescription("Name of the issuer, referenced by clients[].token.issuer and used in metrics.") String name,
            @JsonPropertyDescription("OIDC (default): the issuer at `issuer`, keys from jwksUri or OIDC discovery. Kubernetes: the cluster's ServiceAccount token issuer, for workloads that mount a projected token with one of the audiences.") IssuerType type,
            @Pattern(Patterns.ISSUER_URL) @Size(max = 512) @JsonPropertyDescription("The issuer URL, exactly as in the tokens' iss claim (OIDC only). https, or http on a loopback address.") String issuer,
            @Pattern(Patterns.ISSUER_URL) @Size(max = 512) @JsonPropertyDescription("URL of the issuer's JWK set (OIDC only). Unset: found by OIDC discovery at <issuer>/.well-known/openid-configuration.") String jwksUri,
            @Required @Size(min = 1, max = 16) @JsonPropertyDescription("Accepted audiences: a token's aud must contain one of them. Give each gateway its own audience, so a token minted for it is good for nothing else.") List<String> audiences,
            @JsonPropertyDescription("Accepted signature algorithms. Unset: every asymmetric one (RS*, PS*, ES*, EdDSA). HS* and none are never accepted.") List<SigningAlgorithm> algorithms,
            @Pattern(Patterns.DURATION) @JsonPropertyDescription("How far the gateway's clock may be off the issuer's when checking exp and nbf: 30s unless set, at most 5m.") String clockSkew) {
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record TokenMatch(
            @Required @Pattern(Patterns.DNS_LABEL) @JsonPropertyDescription("Name of the access.issuers entry whose tokens identify this client.") String issuer,
            @Size(max = 253) @JsonPropertyDescription("Glob on the token's subject (sub), * for any characters and ? for one: system:serviceaccount:team-a:* is every ServiceAccount of namespace team-a. Unset: any subject.") String subject,
            @Size(max = 16) @JsonPropertyDescription("Further claims the token must carry; all of them must match.") List<ClaimMatch> claims,
            @Min(0) @Max(1000) @JsonPropertyDescription("Precedence among clients of one issuer that may match the same token: the lowest number wins (default 0). Clients that may match one token need different priorities, or the compiler reports them as ambiguous.") Integer priority) {
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @ValidationRule(value = "has(self.matches) != has(self.contains)", message = "a claim match needs exactly one of matches or contains", fieldPath = ".matches", reason = "FieldValueInvalid")
    public record ClaimMatch(
            @Required @Size(min = 1, max = 256) @JsonPropertyDescription("The claim: a top-level claim name (groups, email, https://example.com/roles), or a JSON pointer into the claims starting with / (/kubernetes.io/namespace).") String claim,
            @Size(max = 256) @JsonPropertyDescription("Glob the claim's single value (a string, number or boolean) must match; a list never matches.") String matches,
            @Size(max = 256) @JsonPropertyDescription("Glob one element of the claim must match when it is a list (a single value counts as a list of one), for example a groups claim containing ml-platform.") String contains) {
    }

    public enum RedisUnavailableMode {
        /** Keep serving and count with this replica's own counters (limits then hold per replica), reported by switchboard_redis_up=0. */
        FailOpen,
        /** Reject requests that need the shared counters with 503 and report the pod not ready until Redis answers again. */
        FailClosed
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Redis(
            @Required @Pattern(Patterns.REDIS_ENDPOINT) @JsonPropertyDescription("Redis address: host:port (port 6379 by default), redis://host:port/db, or rediss:// for TLS. Credentials do not belong here; use passwordRef.") String endpoint,
            @JsonPropertyDescription("Secret key holding the Redis password (AUTH), if the server requires one.") SecretKeyRef passwordRef,
            @Default("FailOpen") @JsonPropertyDescription("What the gateway does while Redis cannot be reached: FailOpen (default) keeps serving with per-replica counters; FailClosed rejects requests with 503 and reports the pod not ready.") RedisUnavailableMode onUnavailable,
            @Pattern(Patterns.REDIS_KEY_PREFIX) @JsonPropertyDescription("Prefix of every Redis key the gateway writes; defaults to switchboard:<namespace>:<policy>, so policies sharing one Redis keep separate counters.") String keyPrefix,
            @Pattern(Patterns.DURATION) @Default("250ms") @JsonPropertyDescription("Longest wait for a Redis answer before the request is handled as if Redis were unavailable.") String timeout,
            @JsonPropertyDescription("Secret key holding the PEM certificate(s) of the CA that signed the Redis server's certificate, for a rediss:// endpoint whose certificate no public CA signs (a cluster-internal CA). Without it the JVM's trust store is used. The server's host name is verified either way.") SecretKeyRef caCertRef) {
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @ValidationRule(value = "has(self.keyRef) || has(self.token)", message = "a client needs keyRef, token or both", fieldPath = ".keyRef", reason = "FieldValueRequired")
    public record Client(
            @Required @Pattern(Patterns.DNS_LABEL) @JsonPropertyDescription("Name of the client, used in metrics and access logs.") String name,
            @Pattern(Patterns.DNS_LABEL) @JsonPropertyDescription("Team the client belongs to, for metrics and budgets.") String team,
            @JsonPropertyDescription("Secret key holding this client's API key.") SecretKeyRef keyRef,
            @JsonPropertyDescription("Public models this client may call, as globs (gpt-4o*, chat-?). Empty allows every model.") List<String> models,
            @JsonPropertyDescription("Rate limits for this client.") ClientLimits limits,
            @JsonPropertyDescription("Spending limits for this client.") Budget budget,
            @JsonPropertyDescription("Extra labels for this client's metrics, exported as label_<key> on its switchboard_client_info series to join them on (at most 16 keys across all clients).") Map<String, String> labels,
            @JsonPropertyDescription("Tokens that identify this client instead of (or besides) a key: which issuer, and which subject and claims they must carry. Every caller whose token matches shares this client's models, limits and budget.") TokenMatch token,
            @JsonPropertyDescription("Serve this client's repeated identical requests from the response cache; wins over the ModelGroup's cache setting. Unset: the ModelGroup decides.") CachePolicy cache,
            @Size(max = 16) @JsonPropertyDescription("Hooks (names of spec.hooks) this client's requests go through, besides those of the ModelGroup. A name the policy does not declare leaves the client out (UnknownHook).") List<@Pattern(Patterns.DNS_LABEL) String> hooks) {

        public Client(String name, String team, SecretKeyRef keyRef, List<String> models, ClientLimits limits, Budget budget,
                Map<String, String> labels) {
            this(name, team, keyRef, models, limits, budget, labels, null);
        }

        public Client(String name, String team, SecretKeyRef keyRef, List<String> models, ClientLimits limits, Budget budget,
                Map<String, String> labels, TokenMatch token) {
            this(name, team, keyRef, models, limits, budget, labels, token, null, null);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SecretKeyRef(
            @Required @Pattern(Patterns.DNS_SUBDOMAIN) @JsonPropertyDescription("Name of the Secret in the policy's namespace.") String name,
            @Required @Pattern(Patterns.SECRET_KEY) @JsonPropertyDescription("Data key within the Secret.") String key) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ClientLimits(
            @Min(1) @JsonPropertyDescription("Requests per minute.") Integer requestsPerMinute,
            @Min(1) @JsonPropertyDescription("Tokens (input plus output) per minute.") Integer tokensPerMinute,
            @Min(1) @JsonPropertyDescription("Requests in flight at once.") Integer maxConcurrency) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Budget(
            @Min(0) @JsonPropertyDescription("Spending limit per UTC day, in the pricing currency.") Double perDay,
            @Min(0) @JsonPropertyDescription("Spending limit per UTC calendar month.") Double perMonth,
            @Min(0) @Max(1) @Default("0.8") @JsonPropertyDescription("Fraction of a budget at which warnings start.") Double warnAt) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "!(has(self.replicas) && has(self.autoscaling))", message = "set either gateway.replicas or gateway.autoscaling, not both", fieldPath = ".replicas", reason = "FieldValueForbidden")
    public record Gateway(
            @Min(0) @Max(1000) @JsonPropertyDescription("Fixed number of gateway pods (default 2); leave unset when autoscaling is used.") Integer replicas,
            @JsonPropertyDescription("Horizontal autoscaling of the gateway pods.") Autoscaling autoscaling,
            @Size(max = 512) @JsonPropertyDescription("Gateway container image; defaults to the operator's configured gateway image.") String image,
            @JsonPropertyDescription("Compute resources of the gateway container.") Resources resources,
            @JsonPropertyDescription("Extra settings for the gateway pods.") PodTemplate podTemplate,
            @Default("INFO") @JsonPropertyDescription("Gateway log level.") LogLevel logLevel) {
    }

    public enum TracingProtocol {
        /** OTLP over HTTP with protobuf bodies, usually port 4318 and path /v1/traces. */
        HttpProtobuf,
        /** OTLP over gRPC, usually port 4317. */
        Grpc
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Tracing(
            @Required @Pattern(Patterns.ENDPOINT_URL) @Size(max = 512) @JsonPropertyDescription("Where the OTLP exporter sends spans: the full URL of an OpenTelemetry collector's traces endpoint, for example http://otel-collector.monitoring:4318/v1/traces (HttpProtobuf) or http://otel-collector.monitoring:4317 (Grpc). No user info: credentials belong to the collector's own configuration.") String endpoint,
            @Default("HttpProtobuf") @JsonPropertyDescription("OTLP transport: HttpProtobuf (default) or Grpc.") TracingProtocol protocol,
            @Min(0) @Max(1) @Default("1") @JsonPropertyDescription("Fraction of new traces that are recorded (0 to 1). A request that arrives with a sampled W3C traceparent is recorded whatever the ratio, as its caller decided.") Double samplingRatio,
            @Size(max = 32) @JsonPropertyDescription("Extra resource attributes of every span, for example deployment.environment: prod. service.name defaults to switchboard-gateway; the policy's name and namespace are always added.") Map<String, String> resourceAttributes,
            @JsonPropertyDescription("Record prompts and completions in the spans (gen_ai.input.messages, gen_ai.output.messages). Off unless set to true: they hold whatever users send, so only enable it where the trace backend may keep that.") Boolean recordContent) {
    }

    public enum LogLevel {
        ERROR, WARN, INFO, DEBUG
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "self.minReplicas <= self.maxReplicas", message = "autoscaling.minReplicas must not exceed autoscaling.maxReplicas", fieldPath = ".minReplicas", reason = "FieldValueInvalid")
    public record Autoscaling(
            @Min(1) @Max(1000) @Default("2") @JsonPropertyDescription("Lower bound of gateway pods.") Integer minReplicas,
            @Required @Min(1) @Max(1000) @JsonPropertyDescription("Upper bound of gateway pods.") Integer maxReplicas,
            @Min(1) @Max(100) @Default("70") @JsonPropertyDescription("Average CPU utilisation the autoscaler aims for, in percent of requests.") Integer targetCPUUtilizationPercentage) {
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Resources(
            @JsonPropertyDescription("Guaranteed resources, for example cpu: 500m, memory: 256Mi.") Map<String, String> requests,
            @JsonPropertyDescription("Resource ceilings, for example memory: 512Mi.") Map<String, String> limits) {
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record PodTemplate(
            @JsonPropertyDescription("Labels added to gateway pods.") Map<String, String> labels,
            @JsonPropertyDescription("Annotations added to gateway pods.") Map<String, String> annotations,
            @JsonPropertyDescription("Node labels the gateway pods must be scheduled on.") Map<String, String> nodeSelector,
            @JsonPropertyDescription("Tolerations of the gateway pods.") List<Toleration> tolerations,
            @Pattern(Patterns.DNS_SUBDOMAIN) @JsonPropertyDescription("PriorityClass of the gateway pods.") String priorityClassName) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Toleration(
            @JsonPropertyDescription("Taint key the toleration applies to; empty with operator Exists matches all taints.") String key,
            @JsonPropertyDescription("Equal (default) or Exists.") TolerationOperator operator,
            @JsonPropertyDescription("Taint value to match with operator Equal.") String value,
            @JsonPropertyDescription("Taint effect to match: NoSchedule, PreferNoSchedule or NoExecute; empty matches all.") TaintEffect effect,
            @Min(0) @JsonPropertyDescription("For NoExecute: how long the pod stays bound after the taint appears.") Long tolerationSeconds) {
    }

    public enum TolerationOperator {
        Equal, Exists
    }

    public enum TaintEffect {
        NoSchedule, PreferNoSchedule, NoExecute
    }
}
