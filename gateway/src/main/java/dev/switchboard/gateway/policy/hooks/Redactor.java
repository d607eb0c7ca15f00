package dev.switchboard.gateway.policy.hooks;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.switchboard.routing.RequestPolicies;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The built-in redaction hook: replaces every match of its rules in a request's message text, in the shapes of every
 * endpoint: OpenAI chat {@code messages[].content} (a string or text parts), Anthropic {@code system} and
 * {@code messages[].content} (a string or text blocks, tool results included), {@code prompt} and embeddings'
 * {@code input} (a string or a list of them). Images, documents, tool schemas and every other field stay as they are.
 * Replacements are literal text. Each regular expression is compiled once (tables hold few).
 */
public final class Redactor {

    private static final Map<String, Pattern> COMPILED = new ConcurrentHashMap<>();

    private final List<RequestPolicies.Redaction> rules;
    private int replaced;

    private Redactor(List<RequestPolicies.Redaction> rules) {
        this.rules = rules;
    }

    /** Redacts the request in place; returns how many matches were replaced (0: the request is unchanged). */
    public static int redact(JsonObject request, List<RequestPolicies.Redaction> rules) {
        Redactor redactor = new Redactor(rules);
        redactor.content(request, "system");
        redactor.content(request, "prompt");
        redactor.content(request, "input");
        if (request.getValue("messages") instanceof JsonArray messages) {
            for (Object message : messages) {
                if (message instanceof JsonObject m) {
                    redactor.content(m, "content");
                }
            }
        }
        return redactor.replaced;
    }

    /** A string field, or a list of strings or of text parts and blocks (whose own content is followed, for tool results). */
    private void content(JsonObject holder, String field) {
        Object value = holder.getValue(field);
        if (value instanceof String text) {
            holder.put(field, text(text));
        } else if (value instanceof JsonArray parts) {
            for (int i = 0; i < parts.size(); i++) {
                Object part = parts.getValue(i);
                if (part instanceof String text) {
                    parts.set(i, text(text));
                } else if (part instanceof JsonObject block) {
                    if (block.getValue("text") instanceof String) {
                        content(block, "text");
                    }
                    if (block.containsKey("content")) {
                        content(block, "content");
                    }
                }
            }
        }
    }

    private String text(String text) {
        String result = text;
        for (RequestPolicies.Redaction rule : rules) {
            Matcher matcher = COMPILED.computeIfAbsent(rule.regex(), Pattern::compile).matcher(result);
            if (!matcher.find()) {
                continue;
            }
            StringBuilder out = new StringBuilder(result.length());
            do {
                replaced++;
                matcher.appendReplacement(out, Matcher.quoteReplacement(rule.replacement()));
            } while (matcher.find());
            matcher.appendTail(out);
            result = out.toString();
        }
        return result;
    }
}
