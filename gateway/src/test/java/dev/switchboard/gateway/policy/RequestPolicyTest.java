package dev.switchboard.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.switchboard.routing.AccessRules;
import dev.switchboard.routing.RequestPolicies;
import dev.switchboard.routing.RequestPolicies.Cache;
import dev.switchboard.routing.RequestPolicies.Hook;
import dev.switchboard.routing.RequestPolicies.Selection;

class RequestPolicyTest {

    private static Hook hook(String name, String phase) {
        return new Hook(name, phase, "http://hooks.test/" + name, null, null, 1000, AccessRules.FAIL_CLOSED);
    }

    private static final RequestPolicies POLICIES = new RequestPolicies(null,
            List.of(hook("first", RequestPolicies.PRE_CALL), hook("second", RequestPolicies.PRE_CALL), hook("audit", RequestPolicies.POST_CALL)),
            Map.of("chat", new Selection(new Cache(1000, List.of("chat"), false), List.of("second", "audit")),
                    "embed", new Selection(new Cache(1000, List.of("embeddings"), true), List.of())),
            Map.of("team-a", new Selection(new Cache(5000, List.of("chat", "messages"), false), List.of("first", "second"))));

    @Test
    void theModelsAndTheClientsHooksRunOnceInDeclaredOrderAndTheClientsCacheWins() {
        RequestPolicy policy = RequestPolicy.of(POLICIES, "chat", "team-a", "chat");
        assertThat(policy.preCall()).extracting(Hook::name).containsExactly("first", "second");
        assertThat(policy.postCall()).extracting(Hook::name).containsExactly("audit");
        assertThat(policy.cache().ttlMs()).isEqualTo(5000);
    }

    @Test
    void aCacheRuleAppliesOnlyToItsEndpoints() {
        assertThat(RequestPolicy.of(POLICIES, "chat", null, "messages").cache()).isNull();
        assertThat(RequestPolicy.of(POLICIES, "chat", "team-a", "messages").cache().ttlMs()).isEqualTo(5000);
        assertThat(RequestPolicy.of(POLICIES, "embed", "team-b", "embeddings").cache().shared()).isTrue();
        assertThat(RequestPolicy.of(POLICIES, "other", "team-b", "chat").none()).isTrue();
        assertThat(RequestPolicy.of(null, "chat", "team-a", "chat").none()).isTrue();
    }
}
