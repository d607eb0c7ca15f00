package dev.switchboard.gateway.resilience;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Reads a Retry-After header: delay-seconds or an HTTP date. */
final class RetryAfter {

    /** Longer waits are not believed: a broken header must not park a key for days. */
    static final long MAX_MS = 3_600_000;

    private RetryAfter() {
    }

    /** Milliseconds to wait, or 0 when absent or unreadable. */
    static long millis(String header) {
        if (header == null || header.isBlank()) {
            return 0;
        }
        String value = header.strip();
        try {
            return Math.min(MAX_MS, Math.max(0, (long) (Double.parseDouble(value) * 1000)));
        } catch (NumberFormatException e) {
            try {
                long ms = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli() - System.currentTimeMillis();
                return Math.min(MAX_MS, Math.max(0, ms));
            } catch (DateTimeParseException ignored) {
                return 0;
            }
        }
    }
}
