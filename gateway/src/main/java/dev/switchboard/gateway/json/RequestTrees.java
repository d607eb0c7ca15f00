package dev.switchboard.gateway.json;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;

/**
 * A client's request as a JSON tree, for what cannot be done on the bytes: translating it into another provider's
 * API. A tree costs many times the bytes it comes from (a 4 MiB body of empty objects is over a million of them),
 * so on top of {@link JsonLimits} a request tree may hold at most {@value #MAX_TOKENS} JSON tokens (braces,
 * brackets, names and values each count one); the parse stops there, long before memory runs short. Real requests
 * stay far below: a conversation of a thousand turns with a dozen tool schemas is some tens of thousands. Requests
 * relayed untranslated are never parsed into trees and have no such budget.
 */
public final class RequestTrees {

    public static final long MAX_TOKENS = 250_000;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(JsonLimits.builder().maxTokenCount(MAX_TOKENS).build())
            .build();

    /** A request that exceeds a bound of the parser; the message names it and is fit for the client. */
    public static final class TooComplex extends Exception {
        TooComplex(String message) {
            super(message, null, false, false);
        }
    }

    private RequestTrees() {
    }

    /**
     * The body as a JSON object.
     *
     * @throws TooComplex      when it exceeds the token budget or another parser limit
     * @throws DecodeException when it is not one JSON object
     */
    public static JsonObject parse(Buffer body) throws TooComplex {
        JsonParser parser;
        try {
            parser = JsonLimits.parser(FACTORY, body);
        } catch (IOException e) {
            throw new DecodeException(e.getMessage(), e);
        }
        Object parsed;
        try {
            // Vert.x's own tree building (JsonObject/JsonArray over maps and lists, as new JsonObject(...) makes them).
            parsed = JacksonCodec.fromParser(parser, Object.class);
        } catch (DecodeException e) {
            if (e.getCause() instanceof StreamConstraintsException limit) {
                throw new TooComplex(message(limit));
            }
            throw e;
        }
        if (parsed instanceof JsonObject object) {
            return object;
        }
        throw new DecodeException("not a JSON object");
    }

    private static String message(StreamConstraintsException limit) {
        String text = limit.getOriginalMessage();
        if (text != null && text.startsWith("Token count")) {
            return "The request holds more than " + MAX_TOKENS + " JSON tokens (names and values), the most the gateway translates into "
                    + "another provider's API.";
        }
        return "The request exceeds a JSON limit of the gateway: " + JsonLimits.describe(limit) + ".";
    }
}
