package dev.switchboard.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.access.ClientKeys.Caller;
import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.gateway.testing.TestTables;
import dev.switchboard.routing.AccessRules;
import dev.switchboard.routing.AccessRules.ClientRule;
import dev.switchboard.routing.RoutingTable;
import dev.switchboard.routing.SecretFile;
import io.vertx.core.MultiMap;

class ClientKeysTest {

    private static ActiveTable table(AccessRules access) {
        RoutingTable table = new RoutingTable(RoutingTable.SCHEMA_VERSION, null, TestTables.settings(), access,
                List.of(TestTables.simulated("sim")), List.of(TestTables.route("gpt-4o", "Weighted", TestTables.target("sim", "x"))));
        return new ActiveTable(table, "h", Instant.EPOCH, Map.of("/keys/search", KeyDigest.of("sb-search"), "/keys/all", KeyDigest.of("sb-all")));
    }

    private static ClientRule client(String name, String path, List<String> models) {
        return new ClientRule(name, "team", new SecretFile("client-keys", name, path), models, null, null, null);
    }

    private final ActiveTable apiKeys = table(new AccessRules(AccessRules.API_KEYS, List.of(
            client("search", "/keys/search", List.of("gpt-4o*", "embed-?")),
            client("all", "/keys/all", List.of()),
            client("unmounted", "/keys/missing", List.of()))));

    @Test
    void openTablesLetAnyoneIn() {
        Caller caller = ClientKeys.authenticate(table(new AccessRules(AccessRules.OPEN, List.of())), headers());

        assertThat(caller).isNotNull();
        assertThat(caller.name()).isNull();
        assertThat(caller.mayUse("anything")).isTrue();
    }

    @Test
    void apiKeysNeedAKnownBearerKey() {
        assertThat(ClientKeys.authenticate(apiKeys, headers())).isNull();
        assertThat(ClientKeys.authenticate(apiKeys, headers("authorization", "Bearer wrong"))).isNull();
        assertThat(ClientKeys.authenticate(apiKeys, headers("authorization", "Basic sb-all"))).isNull();
        // A client whose key file is missing must not match an empty key.
        assertThat(ClientKeys.authenticate(apiKeys, headers("authorization", "Bearer "))).isNull();
        assertThat(ClientKeys.authenticate(apiKeys, headers("authorization", "bearer sb-all")).name()).isEqualTo("all");
    }

    @Test
    void anthropicStyleKeysAreAcceptedToo() {
        assertThat(ClientKeys.authenticate(apiKeys, headers("x-api-key", "sb-search")).name()).isEqualTo("search");
        assertThat(ClientKeys.authenticate(apiKeys, headers("x-api-key", "sb-wrong"))).isNull();
        // Bearer wins when both are sent, as OpenAI SDKs always send Authorization.
        assertThat(ClientKeys.authenticate(apiKeys, headers("authorization", "Bearer sb-all", "x-api-key", "sb-search")).name()).isEqualTo("all");
    }

    private static MultiMap headers(String... pairs) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < pairs.length; i += 2) {
            headers.add(pairs[i], pairs[i + 1]);
        }
        return headers;
    }

    @Test
    void modelGlobsLimitWhatAClientMayUse() {
        Caller search = ClientKeys.authenticate(apiKeys, headers("authorization", "Bearer sb-search"));

        assertThat(search.name()).isEqualTo("search");
        assertThat(search.mayUse("gpt-4o")).isTrue();
        assertThat(search.mayUse("gpt-4o-mini")).isTrue();
        assertThat(search.mayUse("embed-3")).isTrue();
        assertThat(search.mayUse("embed-33")).isFalse();
        assertThat(search.mayUse("claude")).isFalse();
        assertThat(ClientKeys.authenticate(apiKeys, headers("authorization", "Bearer sb-all")).mayUse("claude")).isTrue();
    }
}
