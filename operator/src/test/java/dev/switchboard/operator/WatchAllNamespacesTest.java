package dev.switchboard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The OLM bundle sets every controller's namespaces (QUARKUS_OPERATOR_SDK_CONTROLLERS_<NAME>_NAMESPACES) from
 * the pod annotation olm.targetNamespaces, which OLM leaves empty for an AllNamespaces OperatorGroup. An empty
 * value must mean "all namespaces", not "no namespace" or a start-up failure.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(WatchAllNamespacesTest.EmptyTargetNamespaces.class)
class WatchAllNamespacesTest {

    public static class EmptyTargetNamespaces implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.operator-sdk.controllers.provider.namespaces", "",
                    "quarkus.operator-sdk.controllers.modelgroup.namespaces", "",
                    "quarkus.operator-sdk.controllers.routingpolicy.namespaces", "");
        }
    }

    @Inject
    Operator operator;

    @Test
    void anEmptyTargetNamespaceListWatchesAllNamespaces() {
        // The empty value is really set (unset would also mean all namespaces, and prove nothing).
        assertThat(operator.getRegisteredControllers()).hasSize(3).allSatisfy(controller -> {
            assertThat(ConfigProvider.getConfig().getConfigValue("quarkus.operator-sdk.controllers." + controller.getConfiguration().getName()
                    + ".namespaces").getRawValue()).isEmpty();
            assertThat(controller.getConfiguration().getInformerConfig().getNamespaces()).containsExactly(Constants.WATCH_ALL_NAMESPACES);
            assertThat(controller.getConfiguration().getInformerConfig().watchAllNamespaces()).isTrue();
        });
    }
}
