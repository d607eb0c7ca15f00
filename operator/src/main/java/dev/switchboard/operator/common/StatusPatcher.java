package dev.switchboard.operator.common;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;

/**
 * Writes a resource's whole status through the status subresource, and makes the next reconcile see it.
 * <p>
 * The reconcilers compare the status they compute with the one on the resource JOSDK hands them, which comes
 * from the informer cache. A status written by the previous reconcile reaches that cache only with the watch
 * event, so a reconcile that starts before the event (any other change of the policy's inputs, a recheck)
 * used to compare against the old status and write the same body again. JOSDK's
 * {@link PrimaryUpdateAndCacheUtils} keeps the response of the write in an overlay of the primary cache until
 * the informer has caught up, which is sound because the write is conditional: the patch carries the cached
 * resourceVersion, so it succeeds only if the server still had the version the status was computed from
 * (on a conflict JOSDK waits for the cache to move on and writes again). The two JSON patch operations pin
 * the resourceVersion and replace {@code .status} whole (a merge patch would need explicit nulls for fields
 * that went away); the spec is never part of the request. The resource is addressed from the object itself,
 * so no read precedes the write.
 */
@ApplicationScoped
public class StatusPatcher {

    public <P extends CustomResource<?, S>, S> void replace(P resource, S status, Context<P> context) {
        PrimaryUpdateAndCacheUtils.updateAndCacheResource(resource, context, current -> {
            current.setStatus(status);
            return current;
        }, withStatus -> patchStatus(context.getClient(), withStatus));
        resource.setStatus(status);
    }

    private static <P extends CustomResource<?, ?>> P patchStatus(KubernetesClient client, P resource) {
        var operations = List.of(
                Map.of("op", "replace", "path", "/metadata/resourceVersion", "value", resource.getMetadata().getResourceVersion()),
                Map.of("op", "add", "path", "/status", "value", resource.getStatus()));
        return client.resource(resource).subresource("status")
                .patch(PatchContext.of(PatchType.JSON), client.getKubernetesSerialization().asJson(operations));
    }
}
