package dev.switchboard.gateway.dialect.anthropic;

/** Anthropic stop_reason and OpenAI finish_reason, both ways. */
public final class StopReasons {

    private StopReasons() {
    }

    public static String toFinishReason(String stopReason) {
        if (stopReason == null) {
            return null;
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            // end_turn, stop_sequence, and pause_turn (a server tool paused the turn; none is ever requested).
            default -> "stop";
        };
    }

    /** OpenAI does not say whether a stop sequence matched, so "stop" is reported as end_turn. */
    public static String toStopReason(String finishReason) {
        if (finishReason == null) {
            return null;
        }
        return switch (finishReason) {
            case "length" -> "max_tokens";
            case "tool_calls", "function_call" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> "end_turn";
        };
    }
}
