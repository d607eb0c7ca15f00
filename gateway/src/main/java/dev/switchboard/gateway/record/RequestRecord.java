package dev.switchboard.gateway.record;

/**
 * What the gateway learned about one request, for its settlement, the access log, metrics, traces and the console.
 * Each part has one writer, named on its methods: the front (who called, what was asked, the client's hold), the
 * attempt pipeline (which target serves, the provider's hold), the client dialect's writer (the outcome and the
 * answer's {@link Usage}), access control (the usage estimate and the cost, when the request ends). Everyone else
 * reads. Written on the request's event loop; it never holds prompt text or keys.
 */
public final class RequestRecord {

    /** Logged for a client that went away before the response was complete (as nginx does). */
    public static final int CLIENT_CLOSED = 499;

    private final String requestId;
    private final String client;
    private final String endpoint;
    private final long startNanos = System.nanoTime();
    private final Usage usage = new Usage();
    private RequestTrace trace = RequestTrace.OFF;
    private String clientName;
    private String subject;
    private String model;
    private boolean stream;
    private int requestBytes;
    private String fallbacksSkipped;
    private Claim clientClaim;
    private String provider;
    private String providerType;
    private String upstreamModel;
    private String upstreamModelLabel;
    private int attempts;
    private String fallback;
    private Claim providerClaim;
    private int status;
    private String errorCode;
    private long firstByteNanos;
    private boolean answered;
    private Double cost;
    private String cache;
    private final StringBuilder hooks = new StringBuilder();

    /** {@code client}: the caller's address; {@code endpoint}: the API's name in logs and metrics. */
    public RequestRecord(String requestId, String client, String endpoint) {
        this.requestId = requestId;
        this.client = client;
        this.endpoint = endpoint;
    }

    // The front's part.

    public void traced(RequestTrace trace) {
        this.trace = trace;
    }

    /** The caller's client name from the access rules (null for anonymous callers) and its token's subject, if any. */
    public void identified(String clientName, String subject) {
        this.clientName = clientName;
        this.subject = subject;
    }

    /** The table's name for the model asked for. */
    public void routed(String model) {
        this.model = model;
    }

    /** The request as it arrived: whether it streams, its body's size (the prompt estimate when no usage comes). */
    public void received(boolean stream, int requestBytes) {
        this.stream = stream;
        this.requestBytes = requestBytes;
    }

    /** The fallback models this request left out (not allowed for the client, or past their sunset). */
    public void skippedFallbacks(String skipped) {
        this.fallbacksSkipped = skipped;
    }

    /** The client's hold on its limits and budget, settled when the request ends. */
    public void admitted(Claim claim) {
        this.clientClaim = claim;
    }

    // The attempt pipeline's part.

    /** Attempt number {@code attempts} goes to this target; {@code fallback} names the fallback model it serves, if any. */
    public void attempting(String provider, String providerType, String upstreamModel, String upstreamModelLabel, int attempts,
            String fallback) {
        this.provider = provider;
        this.providerType = providerType;
        this.upstreamModel = upstreamModel;
        this.upstreamModelLabel = upstreamModelLabel;
        this.attempts = attempts;
        this.fallback = fallback;
    }

    /** The provider whose refusal ended the request without a call. */
    public void refusedBy(String provider) {
        this.provider = provider;
    }

    /** The provider's hold for the attempt that serves. */
    public void heldByProvider(Claim claim) {
        this.providerClaim = claim;
    }

    // The client dialect's part: the outcome.

    public void markFirstByte() {
        if (firstByteNanos == 0) {
            firstByteNanos = System.nanoTime();
        }
    }

    /** An upstream's successful answer started to reach the client: what it produced is charged. */
    public void answered() {
        answered = true;
    }

    /** The status the client got (or {@link #CLIENT_CLOSED}). */
    public void ended(int status) {
        this.status = status;
    }

    /** Why the request failed, in the access log's words; replaces an earlier reason. */
    public void failed(String errorCode) {
        this.errorCode = errorCode;
    }

    /** As {@link #failed}, unless a more precise reason was given already. */
    public void failedUnlessExplained(String errorCode) {
        if (this.errorCode == null) {
            this.errorCode = errorCode;
        }
    }

    /** What the answer used: the client dialect's writer fills it in, access control completes it. */
    public Usage usage() {
        return usage;
    }

    // The request policies' part.

    /** What the response cache did: {@code hit}, {@code miss} or {@code bypass}. */
    public void cached(String result) {
        this.cache = result;
    }

    /** A hook decided (or failed): {@code outcome} is allow, modify, deny, timeout or error. */
    public void hookDecided(String hook, String outcome) {
        hooks.append(hooks.isEmpty() ? "" : ",").append(hook).append('=').append(outcome);
    }

    // Access control's part.

    /** The request's cost in the pricing currency, once settled. */
    public void priced(double cost) {
        this.cost = cost;
    }

    // Read by everyone.

    public String requestId() {
        return requestId;
    }

    public String client() {
        return client;
    }

    public String endpoint() {
        return endpoint;
    }

    public long startNanos() {
        return startNanos;
    }

    public RequestTrace trace() {
        return trace;
    }

    public String clientName() {
        return clientName;
    }

    public String subject() {
        return subject;
    }

    public String model() {
        return model;
    }

    public boolean stream() {
        return stream;
    }

    public int requestBytes() {
        return requestBytes;
    }

    public String fallbacksSkipped() {
        return fallbacksSkipped;
    }

    public Claim clientClaim() {
        return clientClaim;
    }

    public String provider() {
        return provider;
    }

    /** The type of {@link #provider} (OpenAI, Anthropic...), for the GenAI provider name. */
    public String providerType() {
        return providerType;
    }

    /** The model name the upstream was called with; may be one only this request gave (see {@link #upstreamModelShown}). */
    public String upstreamModel() {
        return upstreamModel;
    }

    /** The upstream model as logs and views show it: a name the table knows, or the template a pattern route sent by. */
    public String upstreamModelShown() {
        return upstreamModelLabel != null ? upstreamModelLabel : upstreamModel;
    }

    /** Upstream calls made for this request, the last one included. */
    public int attempts() {
        return attempts;
    }

    /** The fallback model that served (or was tried last), null when the requested model did. */
    public String fallback() {
        return fallback;
    }

    public Claim providerClaim() {
        return providerClaim;
    }

    public int status() {
        return status;
    }

    public String errorCode() {
        return errorCode;
    }

    public long firstByteNanos() {
        return firstByteNanos;
    }

    public boolean isAnswered() {
        return answered;
    }

    public Double cost() {
        return cost;
    }

    /** hit, miss or bypass; null when the response cache did not apply to the request. */
    public String cache() {
        return cache;
    }

    /** Served from the response cache: no upstream generated anything for it. */
    public boolean servedFromCache() {
        return "hit".equals(cache);
    }

    /** The hooks the request went through and what each decided, as {@code name=outcome,...}; null when none. */
    public String hooks() {
        return hooks.isEmpty() ? null : hooks.toString();
    }
}
