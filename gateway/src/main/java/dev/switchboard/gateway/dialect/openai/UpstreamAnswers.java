package dev.switchboard.gateway.dialect.openai;

import dev.switchboard.gateway.json.JsonFields;
import dev.switchboard.gateway.record.RequestRecord;
import io.vertx.core.buffer.Buffer;

/**
 * An upstream's OpenAI-format answer as the relays that pass it on read it (chat, completions and embeddings; a
 * Responses API response): scanned without building a tree, `model` rewritten to the name the client sent, and the
 * usage it reports read into the request's books. See {@link UpstreamErrors} for its error answers.
 */
public final class UpstreamAnswers {

    private UpstreamAnswers() {
    }

    /** The answer scanned, its model the public one and its usage read; null when it is no JSON object. */
    public static JsonFields scan(Buffer body, String publicModel, RequestRecord record) {
        JsonFields json;
        try {
            json = JsonFields.scan(body);
        } catch (JsonFields.Invalid e) {
            return null;
        }
        json.replaceModel(publicModel);
        readUsage(json, record);
        return json;
    }

    /** The usage of an answer or a stream's chunk, when it reports one. */
    public static void readUsage(JsonFields json, RequestRecord record) {
        if (json.usageSpan != null) {
            record.usage().reported(json.promptTokens, json.cachedTokens, json.completionTokens);
        }
    }
}
