package dev.switchboard.gateway.access;

/**
 * The limits of one subject (a client or a provider account) as a counter store applies them. A limit of 0 means
 * none. Budget periods are named by the caller ({@code dayPeriod}, {@code monthPeriod}, e.g. 2026-11-22 and
 * 2026-11) from the injected clock, so the rollover is where the name changes.
 */
public record Quota(String subject, int requestsPerMinute, int tokensPerMinute, int maxConcurrency,
        double perDay, double perMonth, String dayPeriod, String monthPeriod) {

    public Quota {
        if (subject == null || subject.isEmpty()) {
            throw new IllegalArgumentException("a quota needs a subject");
        }
        if (requestsPerMinute < 0 || tokensPerMinute < 0 || maxConcurrency < 0 || perDay < 0 || perMonth < 0) {
            throw new IllegalArgumentException("limits must not be negative");
        }
    }

    public boolean limited() {
        return requestsPerMinute > 0 || tokensPerMinute > 0 || maxConcurrency > 0 || perDay > 0 || perMonth > 0;
    }

    public boolean hasBudget() {
        return perDay > 0 || perMonth > 0;
    }
}
