package dev.switchboard.routing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The routing table: the versioned contract between the compiler (operator or local mode) and the gateway.
 * It never holds a secret value, only the files where the gateway reads them. See docs/routing-table.md.
 */
public record RoutingTable(
        int schemaVersion,
        Source source,
        PolicySettings settings,
        AccessRules access,
        List<UpstreamProvider> providers,
        List<ModelRoute> models,
        RequestPolicies requestPolicies) {

    /** The schema version this build writes and reads. Bumped on any incompatible change. */
    public static final int SCHEMA_VERSION = 1;

    /** The RoutingPolicy the table was compiled from. */
    public record Source(String namespace, String policy) {
    }

    public RoutingTable {
        providers = providers == null ? List.of() : List.copyOf(providers);
        models = models == null ? List.of() : List.copyOf(models);
    }

    /** A table without hooks or caching. */
    public RoutingTable(int schemaVersion, Source source, PolicySettings settings, AccessRules access, List<UpstreamProvider> providers,
            List<ModelRoute> models) {
        this(schemaVersion, source, settings, access, providers, models, null);
    }

    /** Every secret file the table names: provider key pools, the access rules' files and the hooks' tokens. */
    public Set<SecretFile> secretFiles() {
        Set<SecretFile> files = new LinkedHashSet<>();
        providers.forEach(provider -> provider.credentials().stream().filter(c -> c != null).forEach(files::add));
        if (access != null) {
            files.addAll(access.secretFiles());
        }
        if (requestPolicies != null) {
            files.addAll(requestPolicies.secretFiles());
        }
        return files;
    }

    /**
     * Checks the invariants the gateway relies on. The compiler only produces valid tables; this guards the
     * gateway against hand-edited or foreign files. Returns human-readable errors, empty when valid.
     */
    public List<String> validate() {
        List<String> errors = new ArrayList<>();
        if (schemaVersion != SCHEMA_VERSION) {
            errors.add("unsupported schemaVersion " + schemaVersion + " (this gateway reads " + SCHEMA_VERSION + ")");
        }
        if (settings == null) {
            errors.add("settings is missing");
        } else {
            errors.addAll(settings.validate());
        }
        if (access != null) {
            errors.addAll(access.validate());
        }
        Map<String, UpstreamProvider> providersByName = new HashMap<>();
        for (UpstreamProvider provider : providers) {
            if (providersByName.put(provider.name(), provider) != null) {
                errors.add("duplicate provider " + provider.name());
            }
            errors.addAll(provider.validate());
        }
        Set<String> publicNames = new HashSet<>();
        List<ModelRoute> patterns = new ArrayList<>();
        for (ModelRoute model : models) {
            if (model.servesPattern()) {
                errors.addAll(precedence(patterns, model));
                patterns.add(model);
                continue;
            }
            if (!publicNames.add(model.name())) {
                errors.add("duplicate model name " + model.name());
            }
            for (String alias : model.aliases()) {
                if (!publicNames.add(alias)) {
                    errors.add("duplicate model name or alias " + alias);
                }
            }
        }
        for (ModelRoute model : models) {
            errors.addAll(model.validate(providersByName.keySet(), publicNames, patterns));
        }
        if (requestPolicies != null) {
            Set<String> routeNames = new HashSet<>();
            models.forEach(model -> routeNames.add(model.name()));
            Set<String> clientNames = new HashSet<>();
            if (access != null) {
                access.clients().forEach(client -> clientNames.add(client.name()));
            }
            errors.addAll(requestPolicies.validate(routeNames, clientNames));
        }
        return errors;
    }

    /**
     * Pattern routes are listed most specific first, so the first that matches a name is the one to take: a later
     * pattern may only overlap an earlier one when it matches every name the earlier one matches, and more.
     */
    private static List<String> precedence(List<ModelRoute> earlier, ModelRoute later) {
        List<String> errors = new ArrayList<>();
        for (ModelRoute before : earlier) {
            if (Globs.overlap(before.name(), later.name())
                    && !(Globs.covers(later.name(), before.name()) && !Globs.covers(before.name(), later.name()))) {
                errors.add("models[" + later.name() + "]: overlaps pattern " + before.name() + " without being less specific than it");
            }
        }
        return errors;
    }

    /**
     * The route a request for a public name takes: the model with that name or alias, else the first (most specific)
     * pattern route that matches it, resolved for the name (null when its providers are known not to serve it).
     */
    public ModelRoute model(String publicName) {
        ModelRoute firstPattern = null;
        List<String> captures = null;
        for (ModelRoute model : models) {
            if (model.servesPattern()) {
                if (firstPattern == null) {
                    captures = ModelPattern.of(model.name()).match(publicName);
                    firstPattern = captures != null ? model : null;
                }
            } else if (model.name().equals(publicName) || model.aliases().contains(publicName)) {
                return model;
            }
        }
        return firstPattern == null ? null : firstPattern.resolve(publicName, captures, this);
    }

    public UpstreamProvider provider(String name) {
        for (UpstreamProvider provider : providers) {
            if (provider.name().equals(name)) {
                return provider;
            }
        }
        return null;
    }
}
