package dev.switchboard.gateway.upstream;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Deterministic stand-in output: the same request always gives the same words and vectors, so tests and demos
 * can assert on them, yet different prompts give visibly different answers.
 */
final class SimulatedContent {

    static final int DEFAULT_MAX_TOKENS = 16;
    static final int DEFAULT_DIMENSIONS = 16;

    private static final String[] WORDS = {
        "switchboard", "routes", "every", "request", "to", "a", "model", "that", "answers", "quickly",
        "and", "the", "gateway", "keeps", "serving", "while", "tables", "change", "under", "load",
    };

    private SimulatedContent() {
    }

    /** The completion tokens (words with their leading space) for a chat or completion request. */
    static List<String> tokens(JsonObject body) {
        Integer max = body.getInteger("max_completion_tokens", body.getInteger("max_tokens"));
        int count = max == null || max <= 0 ? DEFAULT_MAX_TOKENS : Math.min(max, DEFAULT_MAX_TOKENS * 64);
        SplittableRandom random = new SplittableRandom(seed(promptText(body)));
        List<String> tokens = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String word = WORDS[random.nextInt(WORDS.length)];
            tokens.add(i == 0 ? word : " " + word);
        }
        return tokens;
    }

    /** A rough but stable prompt token count: whitespace-separated words. */
    static int promptTokens(JsonObject body) {
        String text = promptText(body).strip();
        return text.isEmpty() ? 0 : text.split("\\s+").length;
    }

    static JsonArray embedding(String input, int dimensions) {
        SplittableRandom random = new SplittableRandom(seed(input));
        double[] vector = new double[dimensions];
        double norm = 0;
        for (int i = 0; i < dimensions; i++) {
            vector[i] = random.nextDouble(-1, 1);
            norm += vector[i] * vector[i];
        }
        JsonArray values = new JsonArray();
        for (double v : vector) {
            values.add(v / Math.sqrt(norm));
        }
        return values;
    }

    /** The embedding inputs: a string or an array of strings (token arrays are hashed as their JSON). */
    static List<String> embeddingInputs(JsonObject body) {
        Object input = body.getValue("input");
        List<String> inputs = new ArrayList<>();
        if (input instanceof JsonArray array) {
            for (Object item : array) {
                inputs.add(String.valueOf(item));
            }
        } else if (input != null) {
            inputs.add(String.valueOf(input));
        }
        return inputs;
    }

    private static String promptText(JsonObject body) {
        if (body.getValue("messages") instanceof JsonArray messages) {
            StringBuilder text = new StringBuilder();
            for (Object message : messages) {
                if (message instanceof JsonObject m && m.getValue("content") != null) {
                    text.append(m.getValue("content")).append(' ');
                }
            }
            return text.toString();
        }
        Object prompt = body.getValue("prompt");
        return prompt == null ? "" : String.valueOf(prompt);
    }

    private static long seed(String text) {
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }
}
