package dev.switchboard.operator.routingpolicy;

import static dev.switchboard.operator.testing.Cluster.condition;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.switchboard.api.v1alpha1.ModelGroup;
import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.compiler.Compilation;
import dev.switchboard.compiler.CompilerInput;
import dev.switchboard.compiler.RoutingCompiler;
import dev.switchboard.operator.testing.Cluster;
import dev.switchboard.operator.testing.OperatorConfigs;

class RoutingPolicyStatusFactoryTest {

    final RoutingPolicyStatusFactory factory = new RoutingPolicyStatusFactory(Clock.fixed(Instant.parse("2026-11-22T08:00:00Z"), ZoneOffset.UTC),
            OperatorConfigs.defaults());

    final RoutingPolicy policy = Cluster.yaml(RoutingPolicy.class, """
            apiVersion: switchboard.dev/v1alpha1
            kind: RoutingPolicy
            metadata: {name: edge, namespace: team-a, generation: 4}
            spec:
              defaults: {retry: {backoff: {base: 5s, max: 1s}}}
              access: {mode: Open}
            """);

    static ModelGroup group(int i) {
        return Cluster.yaml(ModelGroup.class, """
                apiVersion: switchboard.dev/v1alpha1
                kind: ModelGroup
                metadata: {name: group-%d, namespace: team-a}
                spec:
                  model: model-%d
                  targets: [{provider: missing-%d}]
                """.formatted(i, i, i));
    }

    @Test
    void settingsProblemsRejectThePolicyAndReferenceProblemsAreListedByResource() {
        List<ModelGroup> groups = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            groups.add(group(i));
        }
        Compilation compilation = RoutingCompiler.compile(new CompilerInput(policy, List.of(), groups, null, null));

        var status = factory.create(policy, compilation, null, new GatewayConfigProbe.Result(2, 1));

        var accepted = condition(status.conditions(), "Accepted");
        assertThat(accepted.status()).isEqualTo("False");
        assertThat(accepted.reason()).isEqualTo("InvalidValue");
        assertThat(accepted.message()).startsWith("RoutingPolicy team-a/edge spec.defaults.retry.backoff.base: ");
        var refs = condition(status.conditions(), "ResolvedRefs");
        assertThat(refs.status()).isEqualTo("False");
        assertThat(refs.message()).contains("ModelGroup team-a/group-0 spec.targets[0].provider: Provider missing-0 does not exist")
                .endsWith("(and 3 more)");
        var programmed = condition(status.conditions(), "Programmed");
        assertThat(programmed.reason()).isEqualTo("Pending");
        assertThat(programmed.message()).isEqualTo("1 of 2 ready replicas serve config " + compilation.hash().substring(0, 12));
        assertThat(condition(status.conditions(), "Ready").reason()).isEqualTo("InvalidValue");
        assertThat(status.conditions()).allSatisfy(c -> {
            assertThat(c.observedGeneration()).isEqualTo(4L);
            assertThat(c.lastTransitionTime()).isEqualTo("2026-11-22T08:00:00Z");
        });
        assertThat(status.endpoint()).isEqualTo("http://edge-gateway.team-a.svc/v1");
        assertThat(status.programmedReplicas()).isEqualTo(1);
        assertThat(status.models()).isZero();
    }
}
