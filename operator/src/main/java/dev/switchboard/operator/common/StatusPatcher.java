package dev.switchboard.operator.common;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * Replaces a resource's whole status through the status subresource with one JSON patch operation. A diff
 * computed against a cached copy can fail when that copy is stale, and a merge patch would need explicit
 * nulls for fields that went away; replacing the status needs neither, and the operator is its only writer.
 * The spec is never part of the request.
 */
@ApplicationScoped
public class StatusPatcher {

    private final KubernetesClient client;

    public StatusPatcher(KubernetesClient client) {
        this.client = client;
    }

    @SuppressWarnings("unchecked")
    public <S> void replace(CustomResource<?, S> resource, S status) {
        var replaceStatus = List.of(Map.of("op", "add", "path", "/status", "value", status));
        client.resources((Class<CustomResource<?, S>>) resource.getClass())
                .inNamespace(resource.getMetadata().getNamespace())
                .withName(resource.getMetadata().getName())
                .subresource("status")
                .patch(PatchContext.of(PatchType.JSON), client.getKubernetesSerialization().asJson(replaceStatus));
        resource.setStatus(status);
    }
}
