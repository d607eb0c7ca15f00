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
 * Who may call the gateway, how much, where the shared counters live, and which of a client's request headers
 * reach providers ({@code forwardHeaders}: lower-case names, sorted; omitted from the table when empty).
 */
public record AccessRules(String mode, List<ClientRule> clients, SecretFile adminKey, RedisStore redis,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> forwardHeaders) {

    public static final String OPEN = "Open";
    public static final String API_KEYS = "ApiKeys";
    public static final String FAIL_OPEN = "FailOpen";
    public static final String FAIL_CLOSED = "FailClosed";

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
    }

    public AccessRules(String mode, List<ClientRule> clients, SecretFile adminKey, RedisStore redis) {
        this(mode, clients, adminKey, redis, List.of());
    }

    public AccessRules(String mode, List<ClientRule> clients) {
        this(mode, clients, null, null);
    }

    /** Whether a policy may list the header (any spelling) in forwardHeaders. */
    public static boolean forwardable(String header) {
        String name = header.toLowerCase(Locale.ROOT);
        return !UNFORWARDABLE_HEADERS.contains(name) && !name.startsWith("x-switchboard-");
    }

    public record ClientRule(
            String name,
            String team,
            SecretFile key,
            List<String> models,
            Limits limits,
            Budget budget,
            Map<String, String> labels) {
        public ClientRule {
            models = models == null ? List.of() : List.copyOf(models);
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }
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

    List<String> validate() {
        List<String> errors = new ArrayList<>();
        if (!OPEN.equals(mode) && !API_KEYS.equals(mode)) {
            errors.add("access.mode: unknown mode " + mode);
        }
        Set<String> names = new HashSet<>();
        for (ClientRule client : clients) {
            if (!names.add(client.name())) {
                errors.add("access.clients: duplicate client " + client.name());
            }
            if (client.key() == null || client.key().path() == null) {
                errors.add("access.clients[" + client.name() + "]: key file missing");
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
