package dev.switchboard.operator.testing;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points the operator under test at a {@link MockApiServer} instead of Quarkus' own test server, for tests that
 * need what only the former offers (held watch events, expectations before CRUD), and injects it into fields of that type. The client is
 * configured the way Quarkus' test server configures it, through Fabric8's system properties, so that each test
 * class gets the server of its own resource whichever ran before; the previous values come back on stop.
 */
public class MockApiServerResource implements QuarkusTestResourceLifecycleManager {

    private final Map<String, String> previous = new HashMap<>();
    private MockApiServer server;

    @Override
    public Map<String, String> start() {
        server = MockApiServer.start();
        Map<String, String> client = Map.of(
                "kubernetes.master", server.url(),
                "kubernetes.namespace", "test",
                "kubernetes.auth.tryKubeConfig", "false",
                "kubernetes.auth.tryServiceAccount", "false",
                "http2.disable", "true");
        client.forEach((name, value) -> {
            previous.put(name, System.getProperty(name));
            System.setProperty(name, value);
        });
        return Map.of();
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(server, new TestInjector.MatchesType(MockApiServer.class));
    }

    @Override
    public void stop() {
        previous.forEach((name, value) -> {
            if (value == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, value);
            }
        });
        if (server != null) {
            server.close();
        }
    }
}
