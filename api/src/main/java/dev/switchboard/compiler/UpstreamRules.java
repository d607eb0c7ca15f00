package dev.switchboard.compiler;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.switchboard.api.v1alpha1.Patterns;

/**
 * What a Provider may say about where and how it is called: its endpoint and its extra headers. A tenant who writes
 * a Provider chooses where its keys go, so credentials must only ever come from {@code spec.credentials} (never from a
 * URL or a header), plain http must be a deliberate choice, and no header may reframe the HTTP message
 * (docs/security.md, "Upstream endpoints and headers").
 */
public final class UpstreamRules {

    /** Headers that carry credentials: the key pool sets the one its provider type uses. */
    public static final Set<String> CREDENTIAL_HEADERS = Set.of("authorization", "proxy-authorization", "cookie", "x-api-key", "api-key",
            "x-goog-api-key", "ocp-apim-subscription-key");
    /** Headers that frame the message or the connection: the HTTP client owns them. */
    public static final Set<String> TRANSPORT_HEADERS = Set.of("host", "content-length", "transfer-encoding", "connection", "keep-alive",
            "proxy-connection", "te", "trailer", "upgrade", "expect");

    /** A Service of the cluster by its DNS name: service.namespace.svc, optionally with the default cluster domain. */
    private static final Pattern SERVICE_NAME = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?\\.svc(\\.cluster\\.local)?$");
    private static final Pattern LOOPBACK_V4 = Pattern.compile("^127(\\.[0-9]{1,3}){3}$");
    private static final Pattern ENDPOINT = Pattern.compile(Patterns.ENDPOINT_URL);
    private static final Pattern HEADER_NAME = Pattern.compile(Patterns.HEADER_NAME);

    private UpstreamRules() {
    }

    /**
     * Why the endpoint is refused, or null when it is fine. The endpoint itself is never quoted: a refused one may
     * carry a password.
     */
    public static String endpointProblem(String endpoint, boolean allowPlaintextHttp) {
        URI uri;
        try {
            uri = new URI(endpoint);
        } catch (URISyntaxException e) {
            return "not a URL";
        }
        String scheme = uri.getScheme();
        if (!"https".equals(scheme) && !"http".equals(scheme)) {
            return "not an http:// or https:// URL";
        }
        if (uri.getRawUserInfo() != null) {
            return "must not carry user info: credentials come from spec.credentials";
        }
        if (uri.getRawQuery() != null) {
            return "must not carry a query string";
        }
        if (uri.getRawFragment() != null) {
            return "must not carry a fragment";
        }
        if (uri.getHost() == null || !ENDPOINT.matcher(endpoint).matches()) {
            return "not a URL with a host name";
        }
        if ("http".equals(scheme) && !allowPlaintextHttp && !clusterInternal(uri.getHost())) {
            return "plain http:// is accepted only for cluster-internal hosts (a single-label name, <service>.<namespace>.svc, "
                    + "localhost, loopback addresses); use https://, or set spec.allowPlaintextHttp: true to send keys and prompts unencrypted";
        }
        return null;
    }

    /** Hosts whose traffic stays inside the cluster (or the machine): their http:// needs no permission. */
    static boolean clusterInternal(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("[::1]") || LOOPBACK_V4.matcher(h).matches() || SERVICE_NAME.matcher(h).matches()) {
            return true;
        }
        return !h.contains(".") && !h.startsWith("[");
    }

    /** Why one extra header is refused, or null when it is fine. Values are never quoted. */
    public static String headerProblem(String name, String value) {
        if (name == null || !HEADER_NAME.matcher(name).matches()) {
            return "not an HTTP header name";
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (CREDENTIAL_HEADERS.contains(lower)) {
            return "header " + name + " carries credentials; keys come from spec.credentials";
        }
        if (TRANSPORT_HEADERS.contains(lower)) {
            return "header " + name + " frames the HTTP message and is set by the gateway";
        }
        if (value == null || !isHeaderValue(value)) {
            return "the value of header " + name + " holds a line break or another control character";
        }
        return null;
    }

    /** Visible ASCII and beyond, spaces and tabs; no CR, LF, NUL or other control characters. */
    static boolean isHeaderValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** The headers that pass, with a problem reported for each refused one. */
    static Map<String, String> checkedHeaders(Map<String, String> headers, Problems problems) {
        Map<String, String> accepted = new java.util.TreeMap<>();
        if (headers == null) {
            return accepted;
        }
        new java.util.TreeMap<>(headers).forEach((name, value) -> {
            String problem = headerProblem(name, value);
            if (problem == null) {
                accepted.put(name, value);
            } else {
                problems.error("spec.headers", ProblemReason.InvalidValue, problem);
            }
        });
        return accepted;
    }
}
