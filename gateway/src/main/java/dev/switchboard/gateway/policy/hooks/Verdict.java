package dev.switchboard.gateway.policy.hooks;

import io.vertx.core.json.JsonObject;

/**
 * What one hook decided: allow, deny (with its message), modify (with the new request or answer), or nothing because it
 * failed ({@code failure}: {@code timeout} or {@code error}, decided by the hook's failure mode).
 */
public record Verdict(Action action, String message, JsonObject replacement, String failure) {

    public enum Action {
        ALLOW, DENY, MODIFY, FAILED
    }

    static final Verdict ALLOW = new Verdict(Action.ALLOW, null, null, null);

    static Verdict failed(String failure) {
        return new Verdict(Action.FAILED, null, null, failure);
    }

    /** The outcome as metrics and the access log name it. */
    public String outcome() {
        return action == Action.FAILED ? failure : action.name().toLowerCase(java.util.Locale.ROOT);
    }
}
