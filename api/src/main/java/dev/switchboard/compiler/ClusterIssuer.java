package dev.switchboard.compiler;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.routing.AccessRules.PublicKey;

/**
 * The cluster's ServiceAccount token issuer, as the operator reads it from the API server (its OIDC discovery document
 * and JWK set): the `iss` of ServiceAccount tokens and the public keys they are signed with. Or, when they could not
 * be read, why: then a policy's `Kubernetes` issuer is left out with that reason.
 */
public record ClusterIssuer(String issuer, List<PublicKey> keys, String unavailable) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public ClusterIssuer {
        keys = keys == null ? List.of() : List.copyOf(keys);
    }

    public static ClusterIssuer unavailable(String reason) {
        return new ClusterIssuer(null, List.of(), reason);
    }

    /**
     * Reads the discovery document and the JWK set the API server serves at /.well-known/openid-configuration and
     * /openid/v1/jwks. Only public members of signing keys are kept, sorted by kid, so equal sets compile to equal
     * tables.
     *
     * @throws IllegalArgumentException when either document is not what the API server serves
     */
    public static ClusterIssuer read(String discoveryJson, String jwksJson) {
        JsonNode discovery = parse(discoveryJson, "discovery document");
        JsonNode issuer = discovery.get("issuer");
        if (issuer == null || !issuer.isTextual() || issuer.asText().isBlank()) {
            throw new IllegalArgumentException("the discovery document names no issuer");
        }
        JsonNode keys = parse(jwksJson, "JWK set").get("keys");
        if (keys == null || !keys.isArray()) {
            throw new IllegalArgumentException("the JWK set has no keys array");
        }
        List<PublicKey> publicKeys = new ArrayList<>();
        for (JsonNode key : keys) {
            String kty = text(key, "kty");
            String use = text(key, "use");
            if (!List.of("RSA", "EC", "OKP").contains(kty) || (use != null && !use.equals("sig"))) {
                continue;
            }
            publicKeys.add(new PublicKey(text(key, "kid"), kty, text(key, "alg"), use, text(key, "crv"), text(key, "n"), text(key, "e"),
                    text(key, "x"), text(key, "y")));
        }
        if (publicKeys.isEmpty()) {
            throw new IllegalArgumentException("the JWK set holds no signing key");
        }
        publicKeys.sort(Comparator.comparing((PublicKey k) -> String.valueOf(k.kid())).thenComparing(k -> String.valueOf(k.n()) + k.x()));
        return new ClusterIssuer(issuer.asText(), publicKeys, null);
    }

    private static JsonNode parse(String json, String what) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("the " + what + " is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new IllegalArgumentException("the " + what + " is not valid JSON");
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }
}
