package dev.switchboard.gateway.dialect.gemini;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

import dev.switchboard.gateway.dialect.Untranslatable;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * OpenAI `/embeddings` ↔ Gemini `batchEmbedContents`: one request per input, `dimensions` → `outputDimensionality`;
 * `encoding_format: base64` is produced here (little-endian float32, as OpenAI encodes it). Token-array inputs have
 * no Gemini equivalent and are refused. batchEmbedContents reports no token counts, so usage is 0 unless Gemini
 * sends `usageMetadata`.
 */
final class GeminiEmbeddings {

    private GeminiEmbeddings() {
    }

    static JsonObject request(JsonObject openAi, String model) throws Untranslatable {
        Object input = openAi.getValue("input");
        JsonArray texts = new JsonArray();
        if (input instanceof String text) {
            texts.add(text);
        } else if (input instanceof JsonArray list && !list.isEmpty()) {
            for (Object item : list) {
                if (!(item instanceof String text)) {
                    throw GeminiRequests.unsupported("input", "token arrays as embedding input");
                }
                texts.add(text);
            }
        } else {
            throw Untranslatable.invalid("input", "input must be a string or a non-empty array of strings");
        }
        String format = openAi.getString("encoding_format", "float");
        if (!"float".equals(format) && !"base64".equals(format)) {
            throw Untranslatable.invalid("encoding_format", "encoding_format must be float or base64");
        }
        JsonArray requests = new JsonArray();
        for (Object text : texts) {
            JsonObject request = new JsonObject().put("model", "models/" + model)
                    .put("content", new JsonObject().put("parts", new JsonArray().add(new JsonObject().put("text", text))));
            if (openAi.getValue("dimensions") instanceof Number dimensions) {
                request.put("outputDimensionality", dimensions.intValue());
            }
            requests.add(request);
        }
        return new JsonObject().put("requests", requests);
    }

    static JsonObject response(JsonObject gemini, String model, boolean base64) {
        JsonArray data = new JsonArray();
        JsonArray embeddings = gemini.getJsonArray("embeddings", new JsonArray());
        for (int i = 0; i < embeddings.size(); i++) {
            JsonArray values = embeddings.getJsonObject(i).getJsonArray("values", new JsonArray());
            data.add(new JsonObject().put("object", "embedding").put("index", i).put("embedding", base64 ? encode(values) : values));
        }
        int tokens = gemini.getJsonObject("usageMetadata", new JsonObject()).getInteger("promptTokenCount", 0);
        return new JsonObject().put("object", "list").put("data", data).put("model", model)
                .put("usage", new JsonObject().put("prompt_tokens", tokens).put("total_tokens", tokens));
    }

    private static String encode(JsonArray values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (Object v : values) {
            bytes.putFloat(((Number) v).floatValue());
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }
}
