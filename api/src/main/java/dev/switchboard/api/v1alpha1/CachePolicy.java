package dev.switchboard.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/**
 * Opts a ModelGroup's or a client's requests into the response cache (RoutingPolicy spec.cache holds the store). No
 * schema defaults: this type sits in list items (clients), where defaults make a perpetual diff; the compiler fills them.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record CachePolicy(
        @Pattern(Patterns.DURATION) @JsonPropertyDescription("How long a stored answer is served, for example 10m (default 5m; at most 24h).") String ttl,
        @Size(max = 4) @JsonPropertyDescription("Endpoints whose answers are cached: chat (/v1/chat/completions), completions, embeddings, messages (/v1/messages). Empty (the default): all four.") List<@Pattern(CachePolicy.ENDPOINT) String> endpoints,
        @JsonPropertyDescription("Share stored answers between clients: a hit may then serve an answer another client paid for. Off unless set: each client sees only its own answers.") Boolean shared) {

    public static final String ENDPOINT = "^(chat|completions|embeddings|messages)$";
}
