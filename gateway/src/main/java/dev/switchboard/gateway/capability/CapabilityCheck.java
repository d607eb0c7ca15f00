package dev.switchboard.gateway.capability;

import java.util.List;

import dev.switchboard.gateway.dialect.ApiError;
import dev.switchboard.routing.UpstreamProvider;

/**
 * Whether a target can serve a request, by the provider's declared capabilities (Provider.spec.capabilities, see
 * docs/providers.md). A request is never sent to a model declared unable to serve one of its features: the
 * feature would be dropped or mishandled upstream without the client knowing.
 */
public final class CapabilityCheck {

    private CapabilityCheck() {
    }

    /** The first feature (in {@link Feature} order) the request uses and the target cannot serve; null when it can. */
    public static Feature firstUnsupported(RequestFeatures request, UpstreamProvider provider, String upstreamModel) {
        List<String> unsupported = provider.unsupportedBy(upstreamModel);
        if (unsupported.isEmpty()) {
            return null;
        }
        for (Feature feature : Feature.values()) {
            if (unsupported.contains(feature.tableName()) && request.uses(feature)) {
                return feature;
            }
        }
        return null;
    }

    /** The client's 400, naming the feature and the public model (the upstream model stays private). */
    public static ApiError refusal(Feature feature, String publicModel) {
        return ApiError.unsupportedFeature(feature.param(),
                "The model `" + publicModel + "` does not support " + feature.description() + ".");
    }
}
