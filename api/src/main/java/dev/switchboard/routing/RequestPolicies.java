package dev.switchboard.routing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What happens to a request around its upstream call: the hooks it goes through and whether its answer is served from
 * and kept in the response cache. {@code hooks} are the policy's declared hooks in their declared order (the order they
 * run in); {@code models} (by route name: a public name, or a pattern route's glob) and {@code clients} (by client name)
 * select hooks and caching. A request goes through its model's hooks and its client's, each once, in declared order;
 * its client's cache setting wins over its model's. {@code cache} bounds the in-memory store (unused with Redis: then
 * {@code access.redis} holds the answers). Absent from a table whose policy uses neither.
 */
public record RequestPolicies(
        CacheStore cache,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Hook> hooks,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Selection> models,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Selection> clients) {

    public static final String PRE_CALL = "PreCall";
    public static final String POST_CALL = "PostCall";
    /** The endpoints a cache selection may name, as the access log names them. */
    public static final List<String> CACHE_ENDPOINTS = List.of("chat", "completions", "embeddings", "messages");
    /** The longest time-to-live a table may give an answer. */
    public static final long MAX_TTL_MS = 24 * 3_600_000L;

    public RequestPolicies {
        hooks = hooks == null ? List.of() : List.copyOf(hooks);
        models = models == null ? Map.of() : new TreeMap<>(models);
        clients = clients == null ? Map.of() : new TreeMap<>(clients);
    }

    /** Bounds of a replica's in-memory store: entries and bytes, least recently used evicted first. */
    public record CacheStore(int maxEntries, long maxBytes) {
    }

    /**
     * A hook: an HTTP service ({@code url}, with an optional bearer {@code token} read from a secret file) or the built-in
     * redaction ({@code redact}, PreCall only), exactly one. {@code onFailure} is {@code FailOpen} or {@code FailClosed}.
     */
    public record Hook(String name, String phase, String url, SecretFile token, List<Redaction> redact, long timeoutMs, String onFailure) {
        public Hook {
            redact = redact == null ? null : List.copyOf(redact);
        }

        public boolean builtIn() {
            return redact != null;
        }
    }

    /** One redaction rule: every match of {@code regex} (a Java regular expression) becomes {@code replacement}. */
    public record Redaction(String name, String regex, String replacement) {
    }

    /** What a model or a client selects: caching (null: none from here) and hook names. */
    public record Selection(Cache cache, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> hooks) {
        public Selection {
            hooks = hooks == null ? List.of() : List.copyOf(hooks);
        }
    }

    /** Caching of the endpoints listed (sorted, as in {@link #CACHE_ENDPOINTS}) for {@code ttlMs}, shared between clients or not. */
    public record Cache(long ttlMs, List<String> endpoints, boolean shared) {
        public Cache {
            endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
        }
    }

    /** Every secret file the hooks name (their bearer tokens). */
    public Set<SecretFile> secretFiles() {
        Set<SecretFile> files = new LinkedHashSet<>();
        hooks.stream().map(Hook::token).filter(t -> t != null).forEach(files::add);
        return files;
    }

    /** The hook declared under this name, or null. */
    public Hook hook(String name) {
        for (Hook hook : hooks) {
            if (hook.name().equals(name)) {
                return hook;
            }
        }
        return null;
    }

    List<String> validate(Set<String> modelNames, Set<String> clientNames) {
        List<String> errors = new ArrayList<>();
        if (cache != null && (cache.maxEntries() < 1 || cache.maxBytes() < 1)) {
            errors.add("requestPolicies.cache: maxEntries and maxBytes must be positive");
        }
        Set<String> names = new HashSet<>();
        for (Hook hook : hooks) {
            String at = "requestPolicies.hooks[" + hook.name() + "]";
            if (hook.name() == null || !names.add(hook.name())) {
                errors.add(at + ": missing or duplicate name");
            }
            if (!PRE_CALL.equals(hook.phase()) && !POST_CALL.equals(hook.phase())) {
                errors.add(at + ".phase: unknown phase " + hook.phase());
            }
            if ((hook.url() == null) == (hook.redact() == null)) {
                errors.add(at + ": needs exactly one of url and redact");
            }
            if (hook.url() != null && !hook.url().matches("^https?://[^\\s/?#@]+(/[^\\s?#]*)?$")) {
                errors.add(at + ".url: not an http(s) URL without user info, query or fragment");
            }
            if (hook.builtIn() && !PRE_CALL.equals(hook.phase())) {
                errors.add(at + ": redaction is a PreCall hook");
            }
            if (hook.builtIn()) {
                for (Redaction rule : hook.redact()) {
                    try {
                        Pattern.compile(rule.regex());
                    } catch (PatternSyntaxException | NullPointerException e) {
                        errors.add(at + ".redact[" + rule.name() + "]: not a regular expression");
                    }
                }
            }
            if (hook.timeoutMs() <= 0) {
                errors.add(at + ".timeoutMs: must be positive");
            }
            if (!AccessRules.FAIL_OPEN.equals(hook.onFailure()) && !AccessRules.FAIL_CLOSED.equals(hook.onFailure())) {
                errors.add(at + ".onFailure: unknown mode " + hook.onFailure());
            }
            if (hook.token() != null && hook.token().path() == null) {
                errors.add(at + ".token: key file missing");
            }
        }
        validate("models", models, modelNames, names, errors);
        validate("clients", clients, clientNames, names, errors);
        return errors;
    }

    private static void validate(String kind, Map<String, Selection> selections, Set<String> known, Set<String> hookNames, List<String> errors) {
        selections.forEach((name, selection) -> {
            String at = "requestPolicies." + kind + "[" + name + "]";
            if (!known.contains(name)) {
                errors.add(at + ": no such " + kind.substring(0, kind.length() - 1));
            }
            for (String hook : selection.hooks()) {
                if (!hookNames.contains(hook)) {
                    errors.add(at + ".hooks: unknown hook " + hook);
                }
            }
            Cache cache = selection.cache();
            if (cache != null && (cache.ttlMs() <= 0 || cache.ttlMs() > MAX_TTL_MS || cache.endpoints().isEmpty()
                    || !CACHE_ENDPOINTS.containsAll(cache.endpoints()))) {
                errors.add(at + ".cache: ttlMs must be within 1 ms and 24 h, endpoints a non-empty subset of " + CACHE_ENDPOINTS);
            }
        });
    }
}
