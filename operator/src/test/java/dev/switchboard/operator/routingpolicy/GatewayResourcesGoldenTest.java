package dev.switchboard.operator.routingpolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.switchboard.api.v1alpha1.ModelGroup;
import dev.switchboard.api.v1alpha1.Provider;
import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.compiler.ClusterIssuer;
import dev.switchboard.compiler.Compilation;
import dev.switchboard.compiler.CompilerInput;
import dev.switchboard.compiler.RoutingCompiler;
import dev.switchboard.compiler.SecretIndex;
import dev.switchboard.operator.common.SecretLookup;
import dev.switchboard.operator.testing.Manifests;
import dev.switchboard.operator.testing.OperatorConfigs;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.managed.ManagedWorkflowAndDependentResourceContext;

/**
 * Golden files for every resource a RoutingPolicy derives: src/test/resources/golden/in-NAME.yaml (a
 * policy with its Providers, ModelGroups and Secrets) must give exactly out-NAME.yaml through the
 * dependents' desired() and the workflow's preconditions (no HPA without autoscaling, no PDB with one replica).
 *
 * After an intended change, regenerate the expected files and review the diff:
 * {@code ./mvnw -pl operator test -Dtest=GatewayResourcesGoldenTest -Dswitchboard.golden.update=true}
 */
class GatewayResourcesGoldenTest {

    static final String NAMESPACE = "team-a";
    /** The cluster's ServiceAccount issuer as a kind cluster's API server serves it (one RSA key). */
    static final ClusterIssuer CLUSTER_ISSUER = ClusterIssuer.read("{\"issuer\":\"https://kubernetes.default.svc.cluster.local\"}",
            "{\"keys\":[{\"use\":\"sig\",\"kty\":\"RSA\",\"kid\":\"Jk3lhSBmXG5L7zxg1jHrvbMPaTLdhVN8ALU9ZBA0wRc\",\"alg\":\"RS256\","
                    + "\"n\":\"wMUwF0a3fwHs4xxR1yOGmPe8sVLBbq2CQJcwMg0y2Ulr2-WxGZ6sXOLwy7DdGpWjVP4GPh5HFAbPQgM0gzlnWOHS6XjO3gJzXqu6c3Qh4yk\","
                    + "\"e\":\"AQAB\"}]}");
    static final Path GOLDEN = Manifests.repoRoot().resolve("operator/src/test/resources/golden");

    static Stream<String> cases() throws IOException {
        try (var files = Files.list(GOLDEN)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.startsWith("in-") && n.endsWith(".yaml"))
                    .map(n -> n.substring(3, n.length() - 5))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void derivedResourcesMatchGoldenFile(String name) throws IOException {
        List<HasMetadata> input = Manifests.read(GOLDEN.resolve("in-" + name + ".yaml"), NAMESPACE);
        String actual = render(input);
        Path expected = GOLDEN.resolve("out-" + name + ".yaml");
        if (Boolean.getBoolean("switchboard.golden.update")) {
            Files.writeString(expected, actual);
        }
        assertThat(actual).isEqualTo(Files.readString(expected));
    }

    static String render(List<HasMetadata> input) {
        RoutingPolicy policy = Manifests.ofType(input, RoutingPolicy.class).get(0);
        SecretIndex.Builder secrets = SecretIndex.builder();
        Manifests.ofType(input, Secret.class).forEach(s -> SecretLookup.index(secrets, s));
        Compilation compilation = RoutingCompiler.compile(new CompilerInput(policy, Manifests.ofType(input, Provider.class),
                Manifests.ofType(input, ModelGroup.class), secrets.build(), null, CLUSTER_ISSUER));
        assertThat(compilation.problems()).as("golden inputs compile cleanly").isEmpty();
        Context<RoutingPolicy> context = contextWith(compilation);

        var compilations = new PolicyCompilations(new DependencyIndex(), null, null);
        List<HasMetadata> derived = new ArrayList<>();
        derived.add(new RoutingConfigMapDependent(compilations).desired(policy, context));
        derived.add(new GatewayServiceAccountDependent().desired(policy, context));
        derived.add(new GatewayDeploymentDependent(OperatorConfigs.defaults(), compilations).desired(policy, context));
        derived.add(new GatewayServiceDependent().desired(policy, context));
        derived.add(new GatewayNetworkPolicyDependent(OperatorConfigs.defaults(), "switchboard-system").desired(policy, context));
        if (new AutoscalingEnabled().isMet(null, policy, context)) {
            derived.add(new GatewayAutoscalerDependent().desired(policy, context));
        }
        if (new RunsMultipleReplicas().isMet(null, policy, context)) {
            derived.add(new GatewayDisruptionBudgetDependent().desired(policy, context));
        }
        StringBuilder yaml = new StringBuilder();
        derived.forEach(resource -> yaml.append(Manifests.SERIALIZATION.asYaml(resource)));
        return yaml.toString();
    }

    /** A reconcile context holding a compilation, as PolicyCompilations memoises it in a real reconcile. */
    @SuppressWarnings("unchecked")
    static Context<RoutingPolicy> contextWith(Compilation compilation) {
        Context<RoutingPolicy> context = mock(Context.class);
        ManagedWorkflowAndDependentResourceContext shared = mock(ManagedWorkflowAndDependentResourceContext.class);
        when(context.managedWorkflowAndDependentResourceContext()).thenReturn(shared);
        when(shared.get(PolicyCompilations.CONTEXT_KEY, Compilation.class)).thenReturn(Optional.of(compilation));
        return context;
    }
}
