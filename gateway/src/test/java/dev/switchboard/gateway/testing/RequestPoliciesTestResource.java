package dev.switchboard.gateway.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.switchboard.routing.AccessRules;
import dev.switchboard.routing.AccessRules.ClientRule;
import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.RequestPolicies;
import dev.switchboard.routing.RequestPolicies.Cache;
import dev.switchboard.routing.RequestPolicies.Hook;
import dev.switchboard.routing.RequestPolicies.Selection;
import dev.switchboard.routing.RoutingTable;
import dev.switchboard.routing.SecretFile;
import dev.switchboard.routing.UpstreamProvider;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A gateway in ApiKeys mode whose models exercise the request policies: cached models (per client, shared, Messages
 * through an Anthropic provider), and models behind each kind of hook, served by a {@link HookServer}, the built-in
 * redaction and PostCall hooks, with an OpenAI and an Anthropic simulator upstream.
 */
public class RequestPoliciesTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String ALICE = "sk-client-alice-0101";
    public static final String BOB = "sk-client-bob-0102";
    /** A client whose own hooks deny every request, whatever the model. */
    public static final String CAROL = "sk-client-carol-0104";
    public static final String HOOK_TOKEN = "hook-token-secret-0103";
    public static final long TTL_MS = 60_000;
    public static final long HOOK_TIMEOUT_MS = 300;

    private static volatile OpenAiSimulator openAi;
    private static volatile AnthropicSimulator anthropic;
    private static volatile HookServer hooks;
    private static volatile Path root;

    public static OpenAiSimulator openAi() {
        return openAi;
    }

    public static AnthropicSimulator anthropic() {
        return anthropic;
    }

    public static HookServer hooks() {
        return hooks;
    }

    @Override
    public Map<String, String> start() {
        try {
            openAi = OpenAiSimulator.start(0);
            anthropic = AnthropicSimulator.start(0);
            hooks = HookServer.start();
            root = Files.createTempDirectory("switchboard-policies-test");
            writeTable();
            return Map.of("switchboard.routing.dir", root.resolve("routing").toString(), "switchboard.reload.poll-interval-ms", "200");
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the request policy test resources", e);
        }
    }

    private static void writeTable() throws IOException {
        Path secrets = root.resolve("secrets");
        List<SecretFile> keys = TestTables.writeKeys(secrets.resolve("provider-keys"));
        List<ClientRule> clients = List.of(
                new ClientRule("alice", "team-a", secret(secrets, "client-keys", "alice", ALICE), List.of(), null, null, Map.of()),
                new ClientRule("bob", "team-b", secret(secrets, "client-keys", "bob", BOB), List.of(), null, null, Map.of()),
                new ClientRule("carol", "team-c", secret(secrets, "client-keys", "carol", CAROL), List.of(), null, null, Map.of()));
        SecretFile token = secret(secrets, "hook-token", "token", HOOK_TOKEN);
        UpstreamProvider.Timeouts timeouts = new UpstreamProvider.Timeouts(2_000, 30_000, 30_000, 60_000);
        List<UpstreamProvider> providers = List.of(
                new UpstreamProvider("sim-openai", "OpenAI", openAi.baseUrl(), null, null, timeouts, null, null, keys, null),
                new UpstreamProvider("sim-anthropic", "Anthropic", anthropic.baseUrl(), null, Map.of(), timeouts, null, null, keys, null));
        List<ModelRoute> models = new ArrayList<>();
        for (String name : List.of("cached", "shared-cache", "metered", "embeddings-cached", "redacted", "denied", "rewritten", "stall-open",
                "stall-closed", "post-denied", "post-rewritten", "broken-closed")) {
            models.add(TestTables.route(name, "Weighted", TestTables.target("sim-openai", "upstream-" + name)));
        }
        models.add(TestTables.route("claude-cached", "Weighted", TestTables.target("sim-anthropic", "claude-upstream")));
        String base = hooks.baseUrl();
        List<Hook> declared = List.of(
                new Hook("pii", RequestPolicies.PRE_CALL, null, null, List.of(
                        new RequestPolicies.Redaction("email", "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}", "[REDACTED:email]"),
                        new RequestPolicies.Redaction("card-number", "(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])", "[REDACTED:card-number]"),
                        new RequestPolicies.Redaction("api-key", "\\bsk-[A-Za-z0-9_-]{16,}", "[REDACTED:api-key]")), 1000, AccessRules.FAIL_CLOSED),
                new Hook("deny", RequestPolicies.PRE_CALL, base + "/deny", token, null, 5_000, AccessRules.FAIL_CLOSED),
                new Hook("rewrite", RequestPolicies.PRE_CALL, base + "/rewrite", token, null, 5_000, AccessRules.FAIL_CLOSED),
                new Hook("stall-open", RequestPolicies.PRE_CALL, base + "/stall", null, null, HOOK_TIMEOUT_MS, AccessRules.FAIL_OPEN),
                new Hook("stall-closed", RequestPolicies.PRE_CALL, base + "/stall", null, null, HOOK_TIMEOUT_MS, AccessRules.FAIL_CLOSED),
                new Hook("broken-closed", RequestPolicies.PRE_CALL, base + "/broken", null, null, 5_000, AccessRules.FAIL_CLOSED),
                new Hook("post-deny", RequestPolicies.POST_CALL, base + "/deny", null, null, 5_000, AccessRules.FAIL_CLOSED),
                new Hook("post-rewrite", RequestPolicies.POST_CALL, base + "/rewrite-answer", null, null, 5_000, AccessRules.FAIL_CLOSED));
        Cache perClient = new Cache(TTL_MS, RequestPolicies.CACHE_ENDPOINTS, false);
        Map<String, Selection> selections = Map.ofEntries(
                Map.entry("cached", new Selection(perClient, List.of())),
                Map.entry("metered", new Selection(perClient, List.of())),
                Map.entry("embeddings-cached", new Selection(perClient, List.of())),
                Map.entry("claude-cached", new Selection(perClient, List.of())),
                Map.entry("shared-cache", new Selection(new Cache(TTL_MS, List.of("chat"), true), List.of())),
                Map.entry("redacted", new Selection(null, List.of("pii"))),
                Map.entry("denied", new Selection(null, List.of("deny"))),
                Map.entry("rewritten", new Selection(null, List.of("rewrite"))),
                Map.entry("stall-open", new Selection(null, List.of("stall-open"))),
                Map.entry("stall-closed", new Selection(null, List.of("stall-closed"))),
                Map.entry("broken-closed", new Selection(null, List.of("broken-closed"))),
                Map.entry("post-denied", new Selection(null, List.of("post-deny"))),
                Map.entry("post-rewritten", new Selection(perClient, List.of("post-rewrite"))));
        RequestPolicies policies = new RequestPolicies(new RequestPolicies.CacheStore(1000, 16L * 1024 * 1024), declared, selections,
                Map.of("carol", new Selection(null, List.of("deny"))));
        TestTables.write(new RoutingTable(RoutingTable.SCHEMA_VERSION, new RoutingTable.Source("test", "policies"), TestTables.settings(),
                new AccessRules(AccessRules.API_KEYS, clients), providers, models, policies), root.resolve("routing"));
    }

    private static SecretFile secret(Path secrets, String secret, String key, String value) throws IOException {
        Path file = secrets.resolve(secret).resolve(key);
        Files.createDirectories(file.getParent());
        Files.writeString(file, value + "\n");
        return new SecretFile(secret, key, file.toString());
    }

    @Override
    public void stop() {
        try {
            openAi.close();
            anthropic.close();
            hooks.close();
            TempDirs.delete(root);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
