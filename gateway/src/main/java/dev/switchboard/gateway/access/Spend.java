package dev.switchboard.gateway.access;

/** What a subject has spent in its current day and month, after a settlement or when asked. */
public record Spend(double day, double month) {

    public static final Spend NONE = new Spend(0, 0);
}
