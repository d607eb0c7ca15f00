package dev.switchboard.operator.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points the operator under test at a {@link MockApiServer} instead of Quarkus' own test server, for tests that
 * need what only the former offers (held watch events), and injects it into fields of that type. It configures the
 * client through the same Fabric8 properties as Quarkus' test server does, so that whichever of the two a test
 * class uses, its values replace the other's.
 */
public class MockApiServerResource implements QuarkusTestResourceLifecycleManager {

    private MockApiServer server;

    @Override
    public Map<String, String> start() {
        server = MockApiServer.start();
        return Map.of(
                "kubernetes.master", server.url(),
                "kubernetes.namespace", "test",
                "kubernetes.auth.tryKubeConfig", "false",
                "kubernetes.auth.tryServiceAccount", "false",
                "kubernetes.trust.certificates", "true",
                "http2.disable", "true",
                "quarkus.kubernetes-client.devservices.enabled", "false");
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(server, new TestInjector.MatchesType(MockApiServer.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
