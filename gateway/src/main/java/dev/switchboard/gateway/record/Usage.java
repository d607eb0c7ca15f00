package dev.switchboard.gateway.record;

/**
 * What an answer used, as the client dialect's writer read it from the upstream (or, when the upstream never said,
 * as access control estimated it when the request ended). Written on the request's event loop.
 */
public final class Usage {

    private Integer promptTokens;
    private Integer cachedPromptTokens;
    private Integer completionTokens;
    private String finishReason;
    private long outputChars;
    private boolean reported;
    private boolean estimated;

    Usage() {
    }

    /** The upstream's final usage; a count it left out keeps what was read before. */
    public void reported(Integer prompt, Integer cachedPrompt, Integer completion) {
        reported = true;
        counted(prompt, cachedPrompt);
        if (completion != null) {
            completionTokens = completion;
        }
    }

    /** Prompt tokens the upstream counted before its final usage (Anthropic's message_start). */
    public void counted(Integer prompt, Integer cachedPrompt) {
        if (prompt != null) {
            promptTokens = prompt;
        }
        if (cachedPrompt != null) {
            cachedPromptTokens = cachedPrompt;
        }
    }

    /** More generated content (text, tool names and arguments) was relayed to the client. */
    public void generated(long chars) {
        outputChars += chars;
    }

    /** All the generated content of an answer relayed whole. */
    public void generatedInAll(long chars) {
        outputChars = chars;
    }

    /** The answer's finish reason; the first one seen is kept. */
    public void finishedWith(String reason) {
        if (finishReason == null) {
            finishReason = reason;
        }
    }

    /** Nothing was used: the answer came from the response cache, so whatever usage it carries is not this request's. */
    public void none() {
        reported = true;
        estimated = false;
        promptTokens = 0;
        cachedPromptTokens = null;
        completionTokens = 0;
    }

    /** Access control's estimate for an answer that ended without the upstream's usage. */
    public void estimated(int prompt, int completion) {
        estimated = true;
        if (promptTokens == null) {
            promptTokens = prompt;
        }
        completionTokens = Math.max(completionTokens == null ? 0 : completionTokens, completion);
    }

    public Integer promptTokens() {
        return promptTokens;
    }

    /** The part of {@link #promptTokens} read from the provider's prompt cache, priced at cachedInputPerMillion. */
    public Integer cachedPromptTokens() {
        return cachedPromptTokens;
    }

    public Integer completionTokens() {
        return completionTokens;
    }

    /** The first finish reason the answer carried (stop, length, tool_calls...), null when none was seen. */
    public String finishReason() {
        return finishReason;
    }

    /** Characters of generated content relayed to the client: what an estimate counts. */
    public long outputChars() {
        return outputChars;
    }

    /** The upstream's final usage arrived: the counts are its, not an estimate. */
    public boolean isReported() {
        return reported;
    }

    /** The counts were completed by an estimate. */
    public boolean isEstimated() {
        return estimated;
    }
}
