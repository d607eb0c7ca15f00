package dev.switchboard.gateway.access;

import dev.switchboard.routing.UpstreamProvider;
import dev.switchboard.routing.UpstreamProvider.Price;

/** The cost of one request from the provider's price list and the tokens the upstream reported. */
public final class Pricing {

    private static final double MILLION = 1_000_000d;

    private Pricing() {
    }

    /** Cost in the pricing currency; 0 when the provider declares no price for the upstream model. */
    public static double cost(UpstreamProvider provider, String upstreamModel, long promptTokens, long completionTokens) {
        if (provider == null || upstreamModel == null) {
            return 0;
        }
        Price price = provider.priceOf(upstreamModel);
        if (price == null) {
            return 0;
        }
        return (promptTokens * price.inputPerMillion() + completionTokens * price.outputPerMillion()) / MILLION;
    }
}
