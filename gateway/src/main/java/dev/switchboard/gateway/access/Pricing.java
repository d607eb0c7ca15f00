package dev.switchboard.gateway.access;

import dev.switchboard.routing.UpstreamProvider;
import dev.switchboard.routing.UpstreamProvider.Price;

/** The cost of one request from the provider's price list and the tokens the upstream reported (or the gateway estimated). */
public final class Pricing {

    private static final double MILLION = 1_000_000d;

    private Pricing() {
    }

    /**
     * Cost in the pricing currency; 0 when the provider declares no price for the upstream model. The cached part
     * of the prompt (prompt-cache reads, included in {@code promptTokens}) is priced at {@code cachedInputPerMillion},
     * the rest of the prompt at {@code inputPerMillion}.
     */
    public static double cost(UpstreamProvider provider, String upstreamModel, long promptTokens, long cachedPromptTokens,
            long completionTokens) {
        if (provider == null || upstreamModel == null) {
            return 0;
        }
        Price price = provider.priceOf(upstreamModel);
        if (price == null) {
            return 0;
        }
        long cached = Math.max(0, Math.min(cachedPromptTokens, promptTokens));
        return ((promptTokens - cached) * price.inputPerMillion() + cached * price.cachedInputPerMillion()
                + completionTokens * price.outputPerMillion()) / MILLION;
    }
}
