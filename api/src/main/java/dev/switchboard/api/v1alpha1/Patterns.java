package dev.switchboard.api.v1alpha1;

/** Regular expressions shared by the CR schemas, so every kind accepts the same spelling of a value. */
public final class Patterns {
    /** Go/Kubernetes duration subset: `250ms`, `30s`, `2m`, `1h30m`. The API server's CEL `duration()` accepts the same. */
    public static final String DURATION = "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$";
    /** DNS-1123 label: names of Providers, ModelGroups and RoutingPolicies. */
    public static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
    /** DNS-1123 subdomain: names of Secrets. */
    public static final String DNS_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
    /** A key inside a Secret. */
    public static final String SECRET_KEY = "^[-._a-zA-Z0-9]+$";
    /** A model name as clients and providers spell it: `gpt-4o`, `claude-3-5-sonnet-latest`, `llama3.1:8b`, `org/model`. */
    public static final String MODEL_NAME = "^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$";
    /** A glob of model names: a model name in which `*` stands for any run of characters and `?` for one. */
    public static final String MODEL_GLOB = "^[A-Za-z0-9*?][A-Za-z0-9._:/@+*?-]*$";
    /** A model name that may use a pattern's captures: `{1}` is the text the first wildcard matched. */
    public static final String MODEL_TEMPLATE = "^([A-Za-z0-9]|\\{[0-9]{1,2}\\})([A-Za-z0-9._:/@+-]|\\{[0-9]{1,2}\\})*$";
    /**
     * A Redis endpoint without credentials: `host:port`, `redis://host:port[/db]` or `rediss://` for TLS. No `user:password@`:
     * the password comes from a Secret, never from the resource.
     */
    public static final String REDIS_ENDPOINT = "^(rediss?://)?([A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+\\])(:[0-9]{1,5})?(/[0-9]{1,2})?$";
    /** A Redis key prefix: no spaces, and no braces (the gateway adds Redis Cluster hash tags itself). */
    public static final String REDIS_KEY_PREFIX = "^[A-Za-z0-9:._-]{1,64}$";
    /**
     * An upstream base URL: http(s), a host without user info, an optional path; no query and no fragment (the gateway
     * adds what a provider's API needs, and credentials never ride in a URL).
     */
    public static final String ENDPOINT_URL = "^https?://[^\\s/?#@]+(/[^\\s?#]*)?$";
    /**
     * A token issuer's URL or its JWK set's: https, or plain http on a loopback address only (local mode and tests),
     * since keys fetched over the network in the clear could be swapped on the way.
     */
    public static final String ISSUER_URL = "^(https://[^\\s]+|http://(localhost|127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}|\\[::1\\])(:[0-9]{1,5})?(/[^\\s]*)?)$";
    /** An HTTP header name (RFC 9110 token). */
    public static final String HEADER_NAME = "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$";

    private Patterns() {
    }
}
