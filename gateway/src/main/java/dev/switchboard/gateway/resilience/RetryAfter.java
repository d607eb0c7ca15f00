package dev.switchboard.gateway.resilience;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Locale;

/**
 * Reads a Retry-After header: delay-seconds or an HTTP date in any of the three forms a recipient must accept
 * (RFC 9110, section 5.6.7): the IMF-fixdate {@code Sun, 06 Nov 1994 08:49:37 GMT} and the obsolete RFC 850
 * {@code Sunday, 06-Nov-94 08:49:37 GMT} and asctime {@code Sun Nov  6 08:49:37 1994} forms.
 */
final class RetryAfter {

    /** Longer waits are not believed: a broken header must not park a key for days. */
    static final long MAX_MS = 3_600_000;

    /**
     * RFC 850's two-digit year names the year within 50 years from now, looking back when it would be further ahead
     * (RFC 9110): the base of the hundred years it may mean is 49 years ago.
     */
    private static final DateTimeFormatter RFC_850 = new DateTimeFormatterBuilder().parseCaseInsensitive()
            .appendPattern("EEEE, dd-MMM-")
            .appendValueReduced(ChronoField.YEAR, 2, 2, LocalDate.now(ZoneOffset.UTC).getYear() - 49)
            .appendPattern(" HH:mm:ss 'GMT'")
            .toFormatter(Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    /** asctime pads a one-digit day with a space; whitespace is collapsed before parsing, so one pattern reads both. */
    private static final DateTimeFormatter ASCTIME = new DateTimeFormatterBuilder().parseCaseInsensitive()
            .appendPattern("EEE MMM d HH:mm:ss yyyy")
            .toFormatter(Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private static final List<DateTimeFormatter> HTTP_DATES = List.of(DateTimeFormatter.RFC_1123_DATE_TIME, RFC_850, ASCTIME);

    private RetryAfter() {
    }

    /** Milliseconds to wait, or 0 when absent or unreadable. */
    static long millis(String header) {
        return millis(header, Instant.now());
    }

    static long millis(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return 0;
        }
        String value = header.strip();
        try {
            return bounded((long) (Double.parseDouble(value) * 1000));
        } catch (NumberFormatException e) {
            Instant date = httpDate(value.replaceAll("\\s+", " "));
            return date == null ? 0 : bounded(date.toEpochMilli() - now.toEpochMilli());
        }
    }

    private static Instant httpDate(String value) {
        for (DateTimeFormatter format : HTTP_DATES) {
            try {
                return ZonedDateTime.parse(value, format).toInstant();
            } catch (DateTimeParseException notThisForm) {
                // Try the next form.
            }
        }
        return null;
    }

    private static long bounded(long ms) {
        return Math.min(MAX_MS, Math.max(0, ms));
    }
}
