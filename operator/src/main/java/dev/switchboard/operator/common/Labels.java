package dev.switchboard.operator.common;

import java.util.Map;
import java.util.TreeMap;

/** The stable labels on everything the operator creates; selectors use only the name and instance labels. */
public final class Labels {

    public static final String NAME = "app.kubernetes.io/name";
    public static final String INSTANCE = "app.kubernetes.io/instance";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String GATEWAY = "switchboard-gateway";
    public static final String OPERATOR = "switchboard-operator";

    /** Informers of owned resources watch only what carries this, not every ConfigMap in the cluster. */
    public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + OPERATOR;

    private Labels() {
    }

    public static Map<String, String> selector(String policyName) {
        Map<String, String> labels = new TreeMap<>();
        labels.put(NAME, GATEWAY);
        labels.put(INSTANCE, policyName);
        return labels;
    }

    public static Map<String, String> managed(String policyName) {
        Map<String, String> labels = selector(policyName);
        labels.put(MANAGED_BY, OPERATOR);
        return labels;
    }
}
