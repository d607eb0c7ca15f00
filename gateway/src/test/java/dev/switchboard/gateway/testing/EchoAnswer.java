package dev.switchboard.gateway.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * The deterministic answer the provider simulators give, so a test can tell from the answer alone what reached
 * the provider: {@code echo: <last user text>}, followed by {@code [system: ...]}, {@code [turns: n]} (more than
 * one user turn) and {@code [images: n]} when those were present. Stop sequences cut it, a token limit (one
 * token per word) truncates it.
 */
public record EchoAnswer(List<String> tokens, String finishReason) {

    public static EchoAnswer of(String lastUserText, String system, int userTurns, int images, List<String> stops,
            Integer maxTokens) {
        StringBuilder text = new StringBuilder("echo: ").append(lastUserText);
        if (system != null && !system.isEmpty()) {
            text.append(" [system: ").append(system).append(']');
        }
        if (userTurns > 1) {
            text.append(" [turns: ").append(userTurns).append(']');
        }
        if (images > 0) {
            text.append(" [images: ").append(images).append(']');
        }
        return limit(text.toString(), stops, maxTokens);
    }

    /** A fixed text under the same stop and length rules. */
    public static EchoAnswer limit(String text, List<String> stops, Integer maxTokens) {
        String cut = text;
        for (String stop : stops) {
            int at = cut.indexOf(stop);
            if (!stop.isEmpty() && at >= 0) {
                cut = cut.substring(0, at);
            }
        }
        List<String> tokens = new ArrayList<>();
        String[] words = cut.split(" ", -1);
        for (int i = 0; i < words.length; i++) {
            tokens.add(i == 0 ? words[i] : " " + words[i]);
        }
        if (maxTokens != null && maxTokens > 0 && tokens.size() > maxTokens) {
            return new EchoAnswer(List.copyOf(tokens.subList(0, maxTokens)), "length");
        }
        return new EchoAnswer(List.copyOf(tokens), "stop");
    }

    public String text() {
        return String.join("", tokens);
    }

    /** Prompt size the simulators report: words across the given texts. */
    public static int words(List<String> texts) {
        int count = 0;
        for (String text : texts) {
            String stripped = text.strip();
            count += stripped.isEmpty() ? 0 : stripped.split("\\s+").length;
        }
        return count;
    }
}
