package dev.switchboard.operator.routingpolicy;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * Remembers, per RoutingPolicy, what its last compilation depended on, so that a change to a ModelGroup,
 * Provider or Secret maps to exactly the policies it affects. Remembering the last compilation (rather
 * than only evaluating selectors now) also catches removals: a Provider losing the label an aggregate
 * selected still re-reconciles the policies that used it. Every policy is reconciled at start-up, which
 * fills the index before any secondary event can matter.
 */
@ApplicationScoped
public class DependencyIndex {

    private final Map<ResourceID, PolicyDependencies> byPolicy = new ConcurrentHashMap<>();

    void record(ResourceID policy, PolicyDependencies dependencies) {
        byPolicy.put(policy, dependencies);
    }

    void forget(ResourceID policy) {
        byPolicy.remove(policy);
    }

    Set<ResourceID> policiesIn(String namespace, Predicate<PolicyDependencies> affected) {
        return byPolicy.entrySet().stream()
                .filter(e -> namespace.equals(e.getKey().getNamespace().orElse(null)))
                .filter(e -> affected.test(e.getValue()))
                .map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }
}
