package dev.switchboard.compiler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import dev.switchboard.api.v1alpha1.CachePolicy;
import dev.switchboard.api.v1alpha1.Patterns;
import dev.switchboard.api.v1alpha1.RoutingPolicySpec;
import dev.switchboard.api.v1alpha1.RoutingPolicySpec.Hook;
import dev.switchboard.api.v1alpha1.RoutingPolicySpec.RedactionPreset;
import dev.switchboard.routing.AccessRules;
import dev.switchboard.routing.RequestPolicies;
import dev.switchboard.routing.SecretFile;

/**
 * Compiles the policy's hooks and the cache and hook selections of its ModelGroups and clients into
 * {@link RequestPolicies}. A hook that cannot work is left out ({@link ProblemReason#InvalidHook}), and whoever names a
 * hook that is not there is left out too ({@link ProblemReason#UnknownHook}): a guardrail silently skipped would be worse
 * than a model or client that is not served.
 */
final class RequestPolicyCompiler {

    static final String DEFAULT_TTL = "5m";
    static final String DEFAULT_HOOK_TIMEOUT = "1s";
    static final int DEFAULT_MAX_ENTRIES = 10_000;
    static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;

    /** The built-in patterns: what each matches, and the name its replacement shows. */
    static final Map<RedactionPreset, RequestPolicies.Redaction> PRESETS = Map.of(
            RedactionPreset.Email, new RequestPolicies.Redaction("email",
                    "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}", "[REDACTED:email]"),
            RedactionPreset.CardNumber, new RequestPolicies.Redaction("card-number",
                    "(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])", "[REDACTED:card-number]"),
            RedactionPreset.ApiKey, new RequestPolicies.Redaction("api-key",
                    "\\b(?:sk-[A-Za-z0-9_-]{16,}|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{30,}|xox[abposr]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35})",
                    "[REDACTED:api-key]"));

    private final Problems problems;

    RequestPolicyCompiler(Problems problems) {
        this.problems = problems;
    }

    Problems problems() {
        return problems;
    }

    /** The declared hooks that work, by name, in declared order. */
    Map<String, RequestPolicies.Hook> hooks(List<Hook> declared, SecretIndex secrets, String secretRoot) {
        Map<String, RequestPolicies.Hook> hooks = new LinkedHashMap<>();
        if (declared == null) {
            return hooks;
        }
        for (int i = 0; i < declared.size(); i++) {
            Hook hook = declared.get(i);
            String field = "spec.hooks[" + i + "]";
            if (hook.name() == null || !hook.name().matches(Patterns.DNS_LABEL) || hooks.containsKey(hook.name())) {
                problems.error(field + ".name", ProblemReason.InvalidHook, "hook name missing, malformed or used twice: " + hook.name());
                continue;
            }
            RequestPolicies.Hook compiled = hook(field, hook, secrets, secretRoot);
            if (compiled != null) {
                hooks.put(hook.name(), compiled);
            }
        }
        return hooks;
    }

    private RequestPolicies.Hook hook(String field, Hook hook, SecretIndex secrets, String secretRoot) {
        String name = hook.name();
        String phase = hook.phase() != null ? hook.phase().name() : null;
        if (phase == null) {
            problems.error(field + ".phase", ProblemReason.InvalidHook, "hook " + name + " needs a phase: PreCall or PostCall");
            return null;
        }
        if ((hook.url() == null) == (hook.redact() == null)) {
            problems.error(field + ".url", ProblemReason.InvalidHook,
                    "hook " + name + " needs exactly one of url (an HTTP hook service) and redact (the built-in redaction)");
            return null;
        }
        long timeout = problems.positiveMillis(field + ".timeout", hook.timeout(), DEFAULT_HOOK_TIMEOUT);
        String onFailure = hook.onFailure() != null ? hook.onFailure().name() : AccessRules.FAIL_CLOSED;
        if (hook.redact() != null) {
            if (!RequestPolicies.PRE_CALL.equals(phase)) {
                problems.error(field + ".phase", ProblemReason.InvalidHook, "hook " + name + ": redaction is a PreCall hook");
                return null;
            }
            if (hook.tokenRef() != null) {
                problems.error(field + ".tokenRef", ProblemReason.InvalidHook, "hook " + name + ": tokenRef belongs to an HTTP hook (url)");
                return null;
            }
            List<RequestPolicies.Redaction> rules = redactions(field + ".redact", name, hook.redact());
            return rules == null ? null : new RequestPolicies.Hook(name, phase, null, null, rules, timeout, onFailure);
        }
        if (!hook.url().matches(Patterns.ENDPOINT_URL)) {
            problems.error(field + ".url", ProblemReason.InvalidHook,
                    "hook " + name + " needs an http(s) URL without user info, query or fragment: credentials go in tokenRef");
            return null;
        }
        SecretFile token = null;
        if (hook.tokenRef() != null) {
            if (!PolicyCompiler.SecretReferences.check(problems, field + ".tokenRef", secrets, hook.tokenRef().name(), hook.tokenRef().key())) {
                problems.error(field + ".tokenRef", ProblemReason.InvalidHook, "hook " + name + " is left out: its token cannot be used");
                return null;
            }
            token = PolicyCompiler.SecretReferences.file(secretRoot, hook.tokenRef().name(), hook.tokenRef().key());
        }
        return new RequestPolicies.Hook(name, phase, hook.url(), token, null, timeout, onFailure);
    }

    /** Presets first, in the enum's order, then the patterns as listed; null when a pattern does not compile. */
    private List<RequestPolicies.Redaction> redactions(String field, String hook, RoutingPolicySpec.Redaction redact) {
        List<RequestPolicies.Redaction> rules = new ArrayList<>();
        if (redact.presets() != null) {
            new TreeSet<>(redact.presets()).forEach(preset -> rules.add(PRESETS.get(preset)));
        }
        if (redact.patterns() != null) {
            for (int i = 0; i < redact.patterns().size(); i++) {
                var pattern = redact.patterns().get(i);
                String at = field + ".patterns[" + i + "]";
                if (pattern.name() == null || pattern.regex() == null || pattern.regex().isEmpty()) {
                    problems.error(at, ProblemReason.InvalidHook, "hook " + hook + ": a pattern needs a name and a regex");
                    return null;
                }
                try {
                    if (Pattern.compile(pattern.regex()).matcher("").matches()) {
                        problems.error(at + ".regex", ProblemReason.InvalidHook, "hook " + hook + ": pattern " + pattern.name()
                                + " matches the empty string, so it would insert its replacement everywhere; the hook is left out");
                        return null;
                    }
                } catch (PatternSyntaxException e) {
                    problems.error(at + ".regex", ProblemReason.InvalidHook, "hook " + hook + ": pattern " + pattern.name()
                            + " is not a regular expression (" + e.getDescription() + " near index " + e.getIndex() + "); the hook is left out");
                    return null;
                }
                rules.add(new RequestPolicies.Redaction(pattern.name(), pattern.regex(),
                        pattern.replacement() != null ? pattern.replacement() : "[REDACTED:" + pattern.name() + "]"));
            }
        }
        if (rules.isEmpty()) {
            problems.error(field, ProblemReason.InvalidHook, "hook " + hook + ": redact needs presets or patterns");
            return null;
        }
        return rules;
    }

    /**
     * Whether every hook a ModelGroup or client names is there; reports the first that is not, on the naming resource
     * (whose own problems these are).
     */
    static boolean hooksKnown(Problems problems, String field, String who, List<String> named, Map<String, RequestPolicies.Hook> hooks) {
        if (named == null) {
            return true;
        }
        for (String hook : named) {
            if (!hooks.containsKey(hook)) {
                problems.error(field, ProblemReason.UnknownHook, who + " names hook " + hook
                        + ", which the RoutingPolicy does not declare or leaves out for its own problems; " + who + " is left out");
                return false;
            }
        }
        return true;
    }

    /** A selection in the table's form: hook names in declared order, the cache with its defaults; null when empty. */
    static RequestPolicies.Selection selection(Problems problems, String field, CachePolicy cache, List<String> named,
            Map<String, RequestPolicies.Hook> hooks) {
        List<String> ordered = named == null ? List.of() : hooks.keySet().stream().filter(named::contains).toList();
        RequestPolicies.Cache compiled = cache == null ? null : cache(problems, field + ".cache", cache);
        return compiled == null && ordered.isEmpty() ? null : new RequestPolicies.Selection(compiled, ordered);
    }

    private static RequestPolicies.Cache cache(Problems problems, String field, CachePolicy cache) {
        long ttl = problems.positiveMillis(field + ".ttl", cache.ttl(), DEFAULT_TTL);
        if (ttl > RequestPolicies.MAX_TTL_MS) {
            problems.warning(field + ".ttl", ProblemReason.InvalidValue, "a cache ttl is at most 24h; using 24h");
            ttl = RequestPolicies.MAX_TTL_MS;
        }
        List<String> endpoints = RequestPolicies.CACHE_ENDPOINTS;
        if (cache.endpoints() != null && !cache.endpoints().isEmpty()) {
            for (String endpoint : cache.endpoints()) {
                if (!RequestPolicies.CACHE_ENDPOINTS.contains(endpoint)) {
                    problems.warning(field + ".endpoints", ProblemReason.InvalidValue, "unknown endpoint " + endpoint + "; the cache setting is ignored");
                    return null;
                }
            }
            endpoints = RequestPolicies.CACHE_ENDPOINTS.stream().filter(cache.endpoints()::contains).toList();
        }
        return new RequestPolicies.Cache(ttl, endpoints, Boolean.TRUE.equals(cache.shared()));
    }

    /** The store bounds, with defaults; null when nothing is cached. */
    RequestPolicies.CacheStore store(RoutingPolicySpec.ResponseCache store) {
        int entries = store != null && store.maxEntries() != null ? store.maxEntries() : DEFAULT_MAX_ENTRIES;
        long bytes = store != null && store.maxBytes() != null ? store.maxBytes() : DEFAULT_MAX_BYTES;
        if (entries < 1 || bytes < 1024) {
            problems.error("spec.cache", ProblemReason.InvalidValue, "maxEntries must be at least 1 and maxBytes at least 1024; using the defaults");
            return new RequestPolicies.CacheStore(DEFAULT_MAX_ENTRIES, DEFAULT_MAX_BYTES);
        }
        return new RequestPolicies.CacheStore(entries, bytes);
    }
}
