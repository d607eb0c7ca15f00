package dev.switchboard.operator.routingpolicy;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.api.v1alpha1.RoutingPolicySpec;
import dev.switchboard.compiler.ClusterIssuer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * The cluster's ServiceAccount token issuer, read from the API server for policies with an issuer of type
 * Kubernetes: the discovery document (its `issuer` is the `iss` of ServiceAccount tokens) and the JWK set. The
 * operator publishes them in the routing table, so gateway pods verify ServiceAccount tokens without a Kubernetes
 * credential of their own (docs/gateway.md, "Kubernetes ServiceAccount tokens"). The last good read is kept: a
 * failed one never takes keys away from the gateways.
 */
@ApplicationScoped
public class ClusterIssuerKeys {

    private static final Logger LOG = Logger.getLogger(ClusterIssuerKeys.class);
    /** The two non-resource URLs the operator's ClusterRole grants `get` on, and the only ones it reads. */
    static final String DISCOVERY = "/.well-known/openid-configuration";
    static final String JWKS = "/openid/v1/jwks";

    private final KubernetesClient client;
    private volatile ClusterIssuer last;

    public ClusterIssuerKeys(KubernetesClient client) {
        this.client = client;
    }

    /** The issuer as last read, reading it first if it never was. */
    public ClusterIssuer current() {
        ClusterIssuer known = last;
        return known != null ? known : refresh();
    }

    /** Reads the issuer again; on failure keeps the last good read, or reports why there is none. */
    public synchronized ClusterIssuer refresh() {
        try {
            String discovery = client.raw(DISCOVERY);
            String jwks = client.raw(JWKS);
            if (discovery == null || jwks == null) {
                throw new IllegalArgumentException("the API server does not serve " + (discovery == null ? DISCOVERY : JWKS)
                        + " (is ServiceAccount issuer discovery enabled?)");
            }
            last = ClusterIssuer.read(discovery, jwks);
        } catch (KubernetesClientException | IllegalArgumentException e) {
            String reason = e instanceof KubernetesClientException k && k.getCode() == 403
                    ? "the operator may not read " + DISCOVERY + " and " + JWKS + " (its ClusterRole grants get on them; see manifests/install/rbac.yaml)"
                    : e.getMessage();
            if (last != null && last.unavailable() == null) {
                LOG.warnf("Cannot read the cluster's ServiceAccount issuer again (%s); its gateways keep the keys read before", reason);
            } else {
                last = ClusterIssuer.unavailable(reason);
            }
        }
        return last;
    }

    static boolean usesClusterIssuer(RoutingPolicy policy) {
        RoutingPolicySpec spec = policy.getSpec();
        return spec != null && spec.access() != null && spec.access().issuers() != null
                && spec.access().issuers().stream().anyMatch(i -> i.type() == RoutingPolicySpec.IssuerType.Kubernetes);
    }
}
