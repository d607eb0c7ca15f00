package dev.switchboard.operator.routingpolicy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.switchboard.routing.AccessRules;
import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.PolicySettings;
import dev.switchboard.routing.RequestPolicies;
import dev.switchboard.routing.RoutingTable;
import dev.switchboard.routing.SecretFile;
import dev.switchboard.routing.UpstreamProvider;

/** The gateway pod mounts exactly the Secret keys its table names: provider keys, client keys, and a hook's token. */
class MountedSecretsTest {

    @Test
    void aHooksTokenIsMountedWithTheOtherSecretKeys() {
        SecretFile providerKey = new SecretFile("openai-keys", "key-1", "/etc/switchboard/secrets/openai-keys/key-1");
        SecretFile clientKey = new SecretFile("client-keys", "search", "/etc/switchboard/secrets/client-keys/search");
        SecretFile hookToken = new SecretFile("guardrail", "token", "/etc/switchboard/secrets/guardrail/token");
        UpstreamProvider provider = new UpstreamProvider("openai", "OpenAI", "https://api.openai.com/v1", null, null,
                new UpstreamProvider.Timeouts(1000, 1000, 1000, 1000), null, null,
                List.of(providerKey), null);
        RequestPolicies policies = new RequestPolicies(null, List.of(new RequestPolicies.Hook("guardrail", RequestPolicies.PRE_CALL,
                "http://guardrail.compliance:8080/check", hookToken, null, 500, AccessRules.FAIL_CLOSED)), Map.of(), Map.of());
        RoutingTable table = new RoutingTable(RoutingTable.SCHEMA_VERSION, new RoutingTable.Source("team-a", "gateway"),
                new PolicySettings("Weighted", new PolicySettings.Retry(0, 0, 0, List.of()), new PolicySettings.CircuitBreaker(5, null, 1, 1, 1),
                        1000, 4096),
                new AccessRules(AccessRules.API_KEYS, List.of(new AccessRules.ClientRule("search", null, clientKey, List.of(), null, null, Map.of()))),
                List.of(provider), List.of(new ModelRoute("gpt-4o", List.of(), "Weighted", List.of(new ModelRoute.Target("openai", "gpt-4o", 1, 0)),
                        List.of(), null)), policies);

        assertThat(table.validate()).isEmpty();
        assertThat(GatewayDeploymentDependent.mountedSecrets(table)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "openai-keys", Set.of("key-1"), "client-keys", Set.of("search"), "guardrail", Set.of("token")));
    }
}
