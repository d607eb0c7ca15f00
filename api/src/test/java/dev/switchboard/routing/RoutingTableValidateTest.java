package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.switchboard.compiler.Compilation;
import dev.switchboard.compiler.CompilerInput;
import dev.switchboard.compiler.RoutingCompiler;
import dev.switchboard.resources.LoadedResources;
import dev.switchboard.resources.ResourceDirectory;
import dev.switchboard.testing.RepoFiles;

/** The gateway's guard against hand-edited or foreign tables. */
class RoutingTableValidateTest {

    private static RoutingTable table;
    private static byte[] json;

    @BeforeAll
    static void compileSamples() {
        LoadedResources loaded = ResourceDirectory.load(RepoFiles.resolve("manifests/samples"), name -> null);
        Compilation c = RoutingCompiler.compile(new CompilerInput(loaded.policies().get(0), loaded.providers(), loaded.modelGroups(),
                loaded.secretIndex(), null));
        table = c.table();
        json = c.json();
    }

    @Test
    void compiledTableValidatesClean() throws Exception {
        assertThat(table.validate()).isEmpty();
        assertThat(RoutingTableCodec.fromJson(json).validate()).isEmpty();
    }

    @Test
    void unknownProviderInATarget() {
        RoutingTable broken = withModel("chat-smart", m -> new ModelRoute(m.name(), m.aliases(), m.strategy(),
                List.of(new ModelRoute.Target("ghost", "gpt-4o", 1, 0)), m.fallbacks(), m.deprecation()));
        assertThat(broken.validate()).containsExactly("models[chat-smart].targets: unknown provider ghost");
    }

    @Test
    void duplicateAlias() {
        RoutingTable broken = withModel("chat-local", m -> new ModelRoute(m.name(), List.of("llama3.1", "gpt-4o"), m.strategy(),
                m.targets(), m.fallbacks(), m.deprecation()));
        assertThat(broken.validate()).containsExactly("duplicate model name or alias gpt-4o");
    }

    @Test
    void aliasRepeatingAModelName() {
        RoutingTable broken = withModel("chat-local", m -> new ModelRoute(m.name(), List.of("chat-smart"), m.strategy(),
                m.targets(), m.fallbacks(), m.deprecation()));
        assertThat(broken.validate()).singleElement().asString().startsWith("duplicate model name").endsWith(" chat-smart");
    }

    @Test
    void unsupportedSchemaVersionFromAHandEditedFile() throws Exception {
        String text = new String(json, StandardCharsets.UTF_8).replace("\"schemaVersion\" : 1,", "\"schemaVersion\" : 2,");
        RoutingTable parsed = RoutingTableCodec.fromJson(text.getBytes(StandardCharsets.UTF_8));
        assertThat(parsed.validate()).containsExactly("unsupported schemaVersion 2 (this gateway reads 1)");
    }

    @Test
    void unknownFallback() {
        RoutingTable broken = withModel("chat-smart", m -> new ModelRoute(m.name(), m.aliases(), m.strategy(), m.targets(),
                List.of("chat-local", "nowhere"), m.deprecation()));
        assertThat(broken.validate()).containsExactly("models[chat-smart].fallbacks: unknown model nowhere");
    }

    @Test
    void fallbackToAnAliasIsValid() {
        RoutingTable viaAlias = withModel("chat-local", m -> new ModelRoute(m.name(), m.aliases(), m.strategy(), m.targets(),
                List.of("gpt-4o"), m.deprecation()));
        assertThat(viaAlias.validate()).isEmpty();
    }

    private RoutingTable withModels(List<ModelRoute> extra) {
        List<ModelRoute> models = new ArrayList<>(table.models());
        models.addAll(extra);
        return new RoutingTable(table.schemaVersion(), table.source(), table.settings(), table.access(), table.providers(), models);
    }

    private static ModelRoute pattern(String glob, String template) {
        return new ModelRoute(glob, List.of(), "Weighted", List.of(new ModelRoute.Target("simulated", template, 1, 0)), List.of(), null, true,
                List.of());
    }

    @Test
    void patternRoutesComeMostSpecificFirstAndNeverCross() {
        assertThat(withModels(List.of(pattern("anthropic/claude-*", "{1}"), pattern("anthropic/*", "{1}"))).validate()).isEmpty();
        assertThat(withModels(List.of(pattern("anthropic/*", "{1}"), pattern("anthropic/claude-*", "{1}"))).validate())
                .containsExactly("models[anthropic/claude-*]: overlaps pattern anthropic/* without being less specific than it");
        assertThat(withModels(List.of(pattern("anthropic/*", "{1}"), pattern("*-mini", "{1}"))).validate())
                .containsExactly("models[*-mini]: overlaps pattern anthropic/* without being less specific than it");
    }

    @Test
    void templatesBelongToPatternRoutesAndReferToTheirWildcards() {
        RoutingTable broken = withModels(List.of(pattern("p/*", "{2}"),
                new ModelRoute("exact", List.of(), "Weighted", List.of(new ModelRoute.Target("simulated", "x-{1}", 1, 0)), List.of(), null),
                new ModelRoute("q-*", List.of("alias"), "Weighted", List.of(new ModelRoute.Target("simulated", "{1}", 1, 0, null, "{1}")),
                        List.of(), null, true, null)));
        assertThat(broken.validate()).containsExactlyInAnyOrder(
                "models[p/*].targets[simulated].model: {2} refers to no wildcard (the pattern has 1)",
                "models[exact].targets[simulated]: a template or known names need a pattern route",
                "models[q-*].targets[simulated]: template belongs to resolved routes, not to a table",
                "models[q-*]: a pattern route needs a glob as its name and has no aliases");
    }

    @Test
    void aFallbackMayNameWhatAPatternRouteServes() {
        RoutingTable table = withModel("chat-local", m -> new ModelRoute(m.name(), m.aliases(), m.strategy(), m.targets(),
                List.of("anthropic/claude-x"), m.deprecation()));
        RoutingTable withPattern = new RoutingTable(table.schemaVersion(), table.source(), table.settings(), table.access(), table.providers(),
                java.util.stream.Stream.concat(table.models().stream(), java.util.stream.Stream.of(pattern("anthropic/*", "{1}"))).toList());
        assertThat(table.validate()).containsExactly("models[chat-local].fallbacks: unknown model anthropic/claude-x");
        assertThat(withPattern.validate()).isEmpty();
    }

    @Test
    void otherInvariants() {
        RoutingTable broken = new RoutingTable(table.schemaVersion(), table.source(),
                new PolicySettings("Fastest", table.settings().retry(), table.settings().circuitBreaker(), 0, table.settings().maxRequestBodyBytes()),
                new AccessRules("Closed", table.access().clients()),
                doubled(table.providers()),
                List.of(new ModelRoute("empty", List.of(), "Weighted", List.of(), List.of(), null),
                        new ModelRoute("zero", List.of(), "Weighted", List.of(new ModelRoute.Target("simulated", "m", 0, 0)), List.of(), null)));
        assertThat(broken.validate()).containsExactlyInAnyOrder(
                "settings.strategy: unknown strategy Fastest",
                "settings.deadlineMs must be positive",
                "access.mode: unknown mode Closed",
                "duplicate provider simulated",
                "models[empty].targets: empty",
                "models[zero].targets[simulated]: weight must be >= 1 and priority >= 0");
    }

    @Test
    void identityInvariants() {
        AccessRules.Issuer good = new AccessRules.Issuer("sso", "https://sso.example.com", "https://sso.example.com/keys", null, null,
                List.of("gateway"), List.of("RS256"), 30_000);
        AccessRules.Issuer twoSources = new AccessRules.Issuer("both", "https://b.example.com", "https://b.example.com/keys",
                "https://b.example.com/.well-known/openid-configuration", null, List.of(), List.of("HS256"), 600_000);
        AccessRules.Issuer badKey = new AccessRules.Issuer("cluster", "https://kubernetes.default.svc", null, null,
                List.of(new AccessRules.PublicKey("k1", "oct", null, null, null, null, null, null, null)), List.of("gateway"), List.of("RS256"), 0);
        List<AccessRules.ClientRule> clients = List.of(
                new AccessRules.ClientRule("neither", null, null, null, List.of(), null, null, null),
                new AccessRules.ClientRule("stranger", null, null, new AccessRules.TokenRule("ghost", null,
                        List.of(new AccessRules.ClaimRule("groups", "a", "b")), 0), List.of(), null, null, null),
                new AccessRules.ClientRule("jobs", null, null, new AccessRules.TokenRule("sso", "system:serviceaccount:jobs:*", List.of(), 0),
                        List.of(), null, null, null));
        RoutingTable broken = new RoutingTable(table.schemaVersion(), table.source(), table.settings(),
                new AccessRules(AccessRules.API_KEYS, clients, null, null, List.of(), List.of(good, twoSources, badKey, good)), table.providers(), table.models());
        assertThat(broken.validate()).containsExactlyInAnyOrder(
                "access.issuers: duplicate issuer sso",
                "access.issuers[both]: needs exactly one of jwksUri, discovery and keys",
                "access.issuers[both].audiences: at least one is needed",
                "access.issuers[both].algorithms: must be a non-empty subset of " + AccessRules.ALGORITHMS,
                "access.issuers[both].clockSkewMs: must be between 0 and 300000",
                "access.issuers[cluster].keys: unsupported key type oct",
                "access.clients[neither]: neither a key file nor a token rule",
                "access.clients[stranger].token.issuer: no issuer named ghost",
                "access.clients[stranger].token.claims[groups]: needs exactly one of matches and contains");
    }

    @Test
    void providerInvariants() {
        List<UpstreamProvider> providers = new ArrayList<>();
        for (UpstreamProvider p : table.providers()) {
            providers.add(switch (p.name()) {
                case "simulated" -> new UpstreamProvider(p.name(), p.type(), p.endpoint(), p.apiVersion(), p.headers(), p.timeouts(),
                        p.limits(), p.pricing(), p.credentials(), null);
                case "ollama-local" -> new UpstreamProvider(p.name(), "Bedrock", "file:///tmp/x", p.apiVersion(), p.headers(),
                        new UpstreamProvider.Timeouts(0, 1, 1, 1), p.limits(), p.pricing(), p.credentials(), p.simulation());
                default -> p;
            });
        }
        RoutingTable broken = new RoutingTable(table.schemaVersion(), table.source(), table.settings(), table.access(), providers, table.models());
        assertThat(broken.validate()).containsExactlyInAnyOrder(
                "providers[simulated]: simulation settings go with type Simulated, and only with it",
                "providers[ollama-local].type: unknown type Bedrock",
                "providers[ollama-local].endpoint: not an http(s) URL: file:///tmp/x",
                "providers[ollama-local].timeouts: missing or not positive");
    }

    private List<UpstreamProvider> doubled(List<UpstreamProvider> providers) {
        List<UpstreamProvider> doubled = new ArrayList<>(providers);
        doubled.add(table.provider("simulated"));
        return doubled;
    }

    private RoutingTable withModel(String name, UnaryOperator<ModelRoute> change) {
        assertThat(table.model(name)).isNotNull();
        List<ModelRoute> models = table.models().stream().map(m -> m.name().equals(name) ? change.apply(m) : m).toList();
        return new RoutingTable(table.schemaVersion(), table.source(), table.settings(), table.access(), table.providers(), models);
    }
}
