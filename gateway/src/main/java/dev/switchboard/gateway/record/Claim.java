package dev.switchboard.gateway.record;

/**
 * A hold on limits and budget taken for a request (the client's at admission, the provider's per attempt), carried by
 * its record until the request ends and access control settles it with what the request used.
 */
public interface Claim {

    /**
     * Settles the hold with the tokens used, once; returns the cost in the pricing currency.
     *
     * @param cachedPromptTokens the part of {@code promptTokens} read from the provider's prompt cache
     */
    double settle(Integer promptTokens, Integer cachedPromptTokens, Integer completionTokens, String provider, String upstreamModel);
}
