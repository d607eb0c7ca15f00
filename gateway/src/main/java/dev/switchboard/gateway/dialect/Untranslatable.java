package dev.switchboard.gateway.dialect;

/**
 * A request one dialect cannot give another faithfully. It is refused with a 400 naming the field instead of being
 * dropped, so a client never gets an answer to a different question than it asked. The one refusal type of every
 * translation, in both directions; the client's dialect renders {@link #error()} in its own envelope.
 */
public final class Untranslatable extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient ApiError error;

    private Untranslatable(ApiError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    /** A feature, or a form of one, the other dialect has no equivalent for (code `unsupported_feature`). */
    public static Untranslatable unsupported(String param, String message) {
        return new Untranslatable(ApiError.unsupportedFeature(param, message));
    }

    /** A feature a provider type cannot serve, worded as "{what} is not supported by {provider} providers.". */
    public static Untranslatable unsupportedBy(String provider, String param, String what) {
        return new Untranslatable(ApiError.unsupported(provider, param, what));
    }

    /** A request that is malformed in a way translation depends on (no code). */
    public static Untranslatable invalid(String param, String message) {
        return new Untranslatable(ApiError.invalidRequest(message, param));
    }

    /** The request field at fault (dotted path), or null. */
    public String param() {
        return error.param();
    }

    /** The 400 the client gets. */
    public ApiError error() {
        return error;
    }
}
