package dev.switchboard.operator.routingpolicy;

import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.switchboard.api.v1alpha1.LabelSelector;

/**
 * What one RoutingPolicy's last compilation read, by name: the ModelGroups it selected, the Providers those
 * groups name (whether or not they exist), the selectors of aggregate groups, and the Secrets referenced.
 * Names of missing resources are kept on purpose: creating them must re-reconcile the policy.
 */
record PolicyDependencies(
        Set<String> modelGroups,
        Set<String> providers,
        List<LabelSelector> providerSelectors,
        Set<String> secrets) {

    boolean usesProvider(String name, Map<String, String> labels) {
        return providers.contains(name) || providerSelectors.stream().anyMatch(s -> LabelSelector.matches(s, labels));
    }
}
