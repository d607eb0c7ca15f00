package dev.switchboard.gateway.access;

/**
 * A counter store's answer to one admission. {@code refused} names the limit that refused it (null when admitted);
 * the remaining counts and reset times feed the {@code x-ratelimit-*} headers (-1 where there is no such limit).
 */
public record Verdict(Limit refused, long retryAfterMs,
        long remainingRequests, long resetRequestsMs, long remainingTokens, long resetTokensMs,
        double spentDay, double spentMonth) {

    /** The limit that refused a request; the name is the metric's `limit` label. */
    public enum Limit {
        REQUESTS("requests"), TOKENS("tokens"), CONCURRENCY("concurrency"), BUDGET_DAY("budget_day"), BUDGET_MONTH("budget_month");

        public final String label;

        Limit(String label) {
            this.label = label;
        }
    }

    public boolean admitted() {
        return refused == null;
    }
}
