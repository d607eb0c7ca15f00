package dev.switchboard.gateway.policy.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.switchboard.routing.RequestPolicies.Redaction;
import io.vertx.core.json.JsonObject;

class RedactorTest {

    private static final List<Redaction> RULES = List.of(
            new Redaction("email", "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}", "[REDACTED:email]"),
            new Redaction("dollar", "secret", "$1 \\ literal"));

    @Test
    void messageTextOfEveryShapeIsRedactedAndNothingElse() {
        JsonObject request = new JsonObject("""
                {"model":"a@b.co","system":[{"type":"text","text":"mail ops@corp.io"}],
                 "messages":[{"role":"user","content":"write to x@y.org"},
                             {"role":"user","content":[{"type":"text","text":"cc z@w.net"},{"type":"image_url","image_url":{"url":"data:q@r.st"}}]},
                             {"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":[{"type":"text","text":"t@u.vw"}]}]}],
                 "prompt":["p@q.rs","fine"],"input":"i@j.kl","metadata":{"user_id":"m@n.op"}}
                """);
        int replaced = Redactor.redact(request, RULES);

        assertThat(replaced).isEqualTo(6);
        String text = request.encode();
        assertThat(text).contains("write to [REDACTED:email]", "mail [REDACTED:email]", "cc [REDACTED:email]")
                .doesNotContain("x@y.org", "ops@corp.io", "z@w.net", "t@u.vw", "p@q.rs", "i@j.kl");
        assertThat(request.getString("model")).isEqualTo("a@b.co");
        assertThat(text).contains("data:q@r.st", "m@n.op");
    }

    @Test
    void replacementsAreLiteral() {
        JsonObject request = new JsonObject().put("input", "a secret here");
        Redactor.redact(request, RULES);
        assertThat(request.getString("input")).isEqualTo("a $1 \\ literal here");
    }
}
