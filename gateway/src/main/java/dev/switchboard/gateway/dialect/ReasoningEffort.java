package dev.switchboard.gateway.dialect;

/**
 * OpenAI's `reasoning_effort` and the token budgets of the dialects that size thinking in tokens (Anthropic's
 * `thinking.budget_tokens`, Gemini 2.5's `thinkingBudget`). One table, so a request that crosses dialects twice
 * comes back with the effort it went out with. See docs/providers.md, "Reasoning".
 * <p>
 * Effort → budget: `minimal` 1024 (Anthropic's smallest budget), `low` 2048, `medium` 8192, `high` 24576.
 * Budget → effort: below 4096 `low`, below 16384 `medium`, from there `high` (the boundaries sit between the
 * budgets above, so each effort maps back to itself; `minimal` is not produced, as only some OpenAI models take it).
 */
public enum ReasoningEffort {
    MINIMAL("minimal", 1024), LOW("low", 2048), MEDIUM("medium", 8192), HIGH("high", 24576);

    private final String wire;
    private final int budget;

    ReasoningEffort(String wire, int budget) {
        this.wire = wire;
        this.budget = budget;
    }

    /** The value of `reasoning_effort`. */
    public String wire() {
        return wire;
    }

    /** The thinking budget in tokens this effort stands for. */
    public int budget() {
        return budget;
    }

    /**
     * The effort a chat request asks for: null when it sets none or `none` (no reasoning), else one of the four.
     * Any other value is refused, naming the field.
     */
    public static ReasoningEffort of(Object value) throws Untranslatable {
        if (value == null || "none".equals(value)) {
            return null;
        }
        for (ReasoningEffort effort : values()) {
            if (effort.wire.equals(value)) {
                return effort;
            }
        }
        throw Untranslatable.invalid("reasoning_effort",
                "reasoning_effort must be one of none, minimal, low, medium or high, not " + value + ".");
    }

    /** The effort a thinking budget in tokens stands for. */
    public static ReasoningEffort ofBudget(long budget) {
        if (budget < 4096) {
            return LOW;
        }
        return budget < 16384 ? MEDIUM : HIGH;
    }
}
