package dev.switchboard.gateway.policy.cache;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.jackson.DatabindCodec;

/**
 * The key of a request in the response cache: the SHA-256 of its canonical form. That form is the endpoint, the model
 * after alias resolution (the route's name; for a pattern route, the name asked for), the scope (the client's name, or
 * {@code *} when the cache is shared), the PostCall hooks the answer went through, and the request body without the
 * fields that do not change the answer ({@link #IGNORED}: {@code model} is replaced by the resolved one above), its
 * object members sorted at every depth, so member order and whitespace do not matter while every value does.
 */
public final class CacheKey {

    /** Fields that say how an answer is delivered, or who asked, not what it says. */
    public static final Set<String> IGNORED = Set.of("model", "stream", "stream_options", "user", "metadata", "store");

    private CacheKey() {
    }

    /** The key, or null when the body is not a JSON object (such a request is never cached). */
    public static String of(String endpoint, String model, String scope, List<String> postCallHooks, Buffer body) {
        Map<String, Object> fields;
        try {
            fields = mapper().readValue(body.getBytes(), Map.class);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        IGNORED.forEach(fields::remove);
        MessageDigest sha = sha256();
        String head = endpoint + "\n" + model + "\n" + scope + "\n" + String.join(",", postCallHooks) + "\n";
        sha.update(head.getBytes(StandardCharsets.UTF_8));
        try {
            sha.update(CANONICAL.writeValueAsBytes(fields));
        } catch (IOException e) {
            return null;
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static final ObjectWriter CANONICAL = DatabindCodec.mapper().writer()
            .with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    /** Quarkus' mapper, with the gateway's JSON limits applied (see JsonTreeLimits). */
    private static ObjectMapper mapper() {
        return DatabindCodec.mapper();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
