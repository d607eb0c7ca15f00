package dev.switchboard.api.v1alpha1;

/**
 * How a Secret opts in to being used by Switchboard. Whoever may write a Provider or RoutingPolicy in a namespace
 * must not thereby gain every Secret of the namespace: only Secrets carrying {@link #LABEL}{@code =true} are read,
 * mounted or sent anywhere, and {@link #USABLE_BY} can narrow an opted-in Secret to named resources
 * (docs/security.md).
 */
public final class SecretUse {

    /** The opt-in label; the operator caches only Secrets that carry it with the value {@code true}. */
    public static final String LABEL = "switchboard.dev/usable";
    public static final String LABEL_VALUE = "true";
    /** The label selector of the operator's Secret informers. */
    public static final String SELECTOR = LABEL + "=" + LABEL_VALUE;
    /**
     * Optional: a comma-separated list of {@code Provider/<name>} and {@code RoutingPolicy/<name>} entries that may use
     * the Secret. Absent: every Provider and RoutingPolicy of the namespace may.
     */
    public static final String USABLE_BY = "switchboard.dev/usable-by";

    private SecretUse() {
    }
}
