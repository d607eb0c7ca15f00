package dev.switchboard.operator.routingpolicy;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.api.v1alpha1.Condition;
import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.api.v1alpha1.RoutingPolicyStatus;
import dev.switchboard.compiler.Compilation;
import dev.switchboard.compiler.Problem;
import dev.switchboard.compiler.ProblemReason;
import dev.switchboard.compiler.ResourceRef;
import dev.switchboard.operator.common.ConditionFactory;
import dev.switchboard.operator.common.ConditionMerger;
import dev.switchboard.operator.common.OperatorConfig;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * Computes a RoutingPolicy's status from the compilation, the gateway Deployment and the config probe.
 * Accepted speaks about the policy's own settings; ResolvedRefs about everything it pulls in (ModelGroups,
 * Providers, Secrets), which may be partly broken while the rest is served; Programmed about the pods.
 */
@ApplicationScoped
public class RoutingPolicyStatusFactory {

    public static final String ACCEPTED = "Accepted";
    public static final String RESOLVED_REFS = "ResolvedRefs";
    public static final String PROGRAMMED = "Programmed";
    public static final String READY = "Ready";
    static final int MAX_PROBLEMS_IN_MESSAGE = 5;

    /** Problems in the policy's own fields that make its settings unusable, as opposed to broken references. */
    private static final Set<ProblemReason> SETTINGS_REASONS = Set.of(ProblemReason.InvalidValue, ProblemReason.UnsupportedCombination);

    private final Clock clock;
    private final OperatorConfig config;

    public RoutingPolicyStatusFactory(Clock clock, OperatorConfig config) {
        this.clock = clock;
        this.config = config;
    }

    public RoutingPolicyStatus create(RoutingPolicy policy, Compilation compilation, Deployment deployment, GatewayConfigProbe.Result probe) {
        var conditions = new ConditionFactory(clock, policy);
        ResourceRef self = ResourceRef.of(policy);
        List<Problem> settingsProblems = compilation.problems().stream()
                .filter(p -> p.resource().equals(self) && p.severity() == Problem.Severity.Error && SETTINGS_REASONS.contains(p.reason()))
                .toList();
        List<Problem> referenceProblems = compilation.problems().stream().filter(p -> !settingsProblems.contains(p)).toList();
        int models = compilation.table().models().size();
        String shortHash = compilation.hash().substring(0, 12);

        GatewayImage image = GatewayImage.of(policy, config);
        Condition accepted;
        if (!settingsProblems.isEmpty()) {
            accepted = conditions.of(ACCEPTED, false, settingsProblems.get(0).reason().name(), describe(settingsProblems));
        } else if (image.overrideRefused()) {
            accepted = conditions.of(ACCEPTED, false, GatewayImage.REFUSED_REASON, image.refusal());
        } else {
            accepted = conditions.of(ACCEPTED, true, ACCEPTED, "routing table compiled with " + models + " models");
        }
        Condition resolvedRefs = referenceProblems.isEmpty()
                ? conditions.of(RESOLVED_REFS, true, RESOLVED_REFS, "all ModelGroups, Providers and Secrets resolved")
                : conditions.of(RESOLVED_REFS, false, firstReason(referenceProblems), describe(referenceProblems));
        Condition programmed;
        if (probe.allProgrammed()) {
            programmed = conditions.of(PROGRAMMED, true, PROGRAMMED, "all " + probe.readyPods() + " ready replicas serve config " + shortHash);
        } else if (probe.readyPods() == 0) {
            programmed = conditions.of(PROGRAMMED, false, "NoReadyReplicas", "no ready gateway replica reports config " + shortHash + " yet");
        } else {
            programmed = conditions.of(PROGRAMMED, false, "Pending",
                    probe.programmedPods() + " of " + probe.readyPods() + " ready replicas serve config " + shortHash);
        }
        Condition ready;
        if (!Condition.TRUE.equals(accepted.status())) {
            ready = conditions.of(READY, false, accepted.reason(), "the policy's settings are invalid");
        } else if (!Condition.TRUE.equals(programmed.status())) {
            ready = conditions.of(READY, false, programmed.reason(), programmed.message());
        } else {
            ready = conditions.of(READY, true, READY, "serving " + models + " models at " + GatewayNames.endpoint(policy));
        }

        List<Condition> previous = policy.getStatus() == null ? null : policy.getStatus().conditions();
        List<Condition> merged = ConditionMerger.merge(previous, List.of(accepted, resolvedRefs, programmed, ready));
        return new RoutingPolicyStatus(policy.getMetadata().getGeneration(), merged, GatewayNames.endpoint(policy),
                compilation.hash(), models, desiredReplicas(deployment), readyReplicas(deployment), probe.programmedPods());
    }

    /** Keeps the old conditions but reports a failed reconcile on Ready, so a crash shows up as a reason, not a loop of silence. */
    public RoutingPolicyStatus failed(RoutingPolicy policy, Exception error) {
        var conditions = new ConditionFactory(clock, policy);
        RoutingPolicyStatus old = policy.getStatus() != null ? policy.getStatus()
                : new RoutingPolicyStatus(null, null, null, null, null, null, null, null);
        List<Condition> others = old.conditions() == null ? List.of()
                : old.conditions().stream().filter(c -> !READY.equals(c.type())).toList();
        List<Condition> fresh = new ArrayList<>(others);
        fresh.add(conditions.of(READY, false, "ReconcileError", String.valueOf(error.getMessage())));
        return new RoutingPolicyStatus(old.observedGeneration(), ConditionMerger.merge(old.conditions(), fresh), old.endpoint(),
                old.configHash(), old.models(), old.replicas(), old.readyReplicas(), old.programmedReplicas());
    }

    private static String firstReason(List<Problem> problems) {
        return problems.stream().filter(p -> p.severity() == Problem.Severity.Error).findFirst().orElse(problems.get(0)).reason().name();
    }

    /** Names each resource and field, e.g. "ModelGroup team-a/chat spec.targets[0].provider: Provider openai does not exist". */
    static String describe(List<Problem> problems) {
        String listed = problems.stream().limit(MAX_PROBLEMS_IN_MESSAGE)
                .map(p -> p.resource() + " " + p.field() + ": " + p.message())
                .collect(Collectors.joining("; "));
        int more = problems.size() - MAX_PROBLEMS_IN_MESSAGE;
        return more > 0 ? listed + " (and " + more + " more)" : listed;
    }

    private static Integer desiredReplicas(Deployment deployment) {
        if (deployment == null) {
            return 0;
        }
        if (deployment.getStatus() != null && deployment.getStatus().getReplicas() != null) {
            return deployment.getStatus().getReplicas();
        }
        return deployment.getSpec().getReplicas();
    }

    private static Integer readyReplicas(Deployment deployment) {
        if (deployment == null || deployment.getStatus() == null || deployment.getStatus().getReadyReplicas() == null) {
            return 0;
        }
        return deployment.getStatus().getReadyReplicas();
    }
}
