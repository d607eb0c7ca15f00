package dev.switchboard.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.resources.CrdSchemaValidator;
import dev.switchboard.testing.CelRules;
import dev.switchboard.testing.Yaml;

/**
 * The cross-field rules (x-kubernetes-validations) of the generated CRDs, evaluated with a real CEL engine as
 * the API server would (defaults applied first). Every rule is tested both ways: a resource that keeps it is
 * accepted, one that breaks it is rejected naming the field, and the OpenAPI part of the schema accepts both,
 * so the CEL rule is what rejects.
 */
public class CelRulesTest {

    public record Case(String name, String kind, String valid, String invalid, String field, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final CrdSchemaValidator SCHEMA = new CrdSchemaValidator();

    private static final String AZURE = "{type: AzureOpenAI, endpoint: 'https://acme.openai.azure.com', apiVersion: '2024-10-21', credentials: {secretRef: {name: azure-keys}}}";
    private static final String KEYS = "credentials: {secretRef: {name: keys}}";

    public static Stream<Case> cases() {
        return Stream.of(
                new Case("AzureOpenAI needs apiVersion", "Provider", AZURE,
                        "{type: AzureOpenAI, endpoint: 'https://acme.openai.azure.com', credentials: {secretRef: {name: azure-keys}}}",
                        "spec.apiVersion", "an AzureOpenAI provider needs spec.apiVersion"),
                new Case("AzureOpenAI needs endpoint", "Provider", AZURE,
                        "{type: AzureOpenAI, apiVersion: '2024-10-21', credentials: {secretRef: {name: azure-keys}}}",
                        "spec.endpoint", "AzureOpenAI and OpenAICompatible providers need spec.endpoint"),
                new Case("OpenAICompatible needs endpoint", "Provider",
                        "{type: OpenAICompatible, endpoint: 'http://vllm.llm.svc:8000/v1'}",
                        "{type: OpenAICompatible}",
                        "spec.endpoint", "AzureOpenAI and OpenAICompatible providers need spec.endpoint"),
                new Case("OpenAI needs credentials", "Provider", "{type: OpenAI, " + KEYS + "}", "{type: OpenAI}",
                        "spec.credentials", "OpenAI, AzureOpenAI, Anthropic and Gemini providers need spec.credentials"),
                new Case("Anthropic needs credentials", "Provider", "{type: Anthropic, " + KEYS + "}", "{type: Anthropic}",
                        "spec.credentials", "need spec.credentials"),
                new Case("Gemini needs credentials", "Provider", "{type: Gemini, " + KEYS + "}", "{type: Gemini, models: [gemini-2.5-pro]}",
                        "spec.credentials", "need spec.credentials"),
                new Case("AzureOpenAI needs credentials", "Provider", AZURE,
                        "{type: AzureOpenAI, endpoint: 'https://acme.openai.azure.com', apiVersion: '2024-10-21'}",
                        "spec.credentials", "need spec.credentials"),
                new Case("simulation only for Simulated", "Provider",
                        "{type: Simulated, simulation: {latency: 10ms}}",
                        "{type: Ollama, simulation: {latency: 10ms}}",
                        "spec.simulation", "spec.simulation is only allowed for type Simulated"),
                new Case("ModelGroup needs targets or aggregate", "ModelGroup",
                        "{model: chat, aggregate: {providerSelector: {matchLabels: {tier: local}}}}",
                        "{model: chat, strategy: Weighted}",
                        "spec.targets", "a ModelGroup needs spec.targets or spec.aggregate"),
                new Case("ModelGroup with an empty target list", "ModelGroup",
                        "{model: chat, targets: [{provider: sim}]}",
                        "{model: chat, targets: []}",
                        "spec.targets", "a ModelGroup needs spec.targets or spec.aggregate"),
                new Case("no fallback to itself", "ModelGroup",
                        "{model: chat, targets: [{provider: sim}], fallbacks: [chat-small]}",
                        "{model: chat, targets: [{provider: sim}], fallbacks: [chat-small, chat]}",
                        "spec.fallbacks", "a ModelGroup cannot fall back to its own model"),
                new Case("alias differs from model", "ModelGroup",
                        "{model: chat, aliases: [chat-latest], targets: [{provider: sim}]}",
                        "{model: chat, aliases: [chat-latest, chat], targets: [{provider: sim}]}",
                        "spec.aliases", "an alias cannot repeat spec.model"),
                new Case("model or modelPattern", "ModelGroup",
                        "{modelPattern: 'chat*', targets: [{provider: sim}]}",
                        "{model: chat, modelPattern: 'chat-*', targets: [{provider: sim}]}",
                        "spec.model", "a ModelGroup needs exactly one of spec.model and spec.modelPattern"),
                new Case("a ModelGroup names its model one way or the other", "ModelGroup",
                        "{model: chat, targets: [{provider: sim}]}",
                        "{targets: [{provider: sim}]}",
                        "spec.model", "a ModelGroup needs exactly one of spec.model and spec.modelPattern"),
                new Case("modelPattern has a wildcard", "ModelGroup",
                        "{modelPattern: 'cha?', targets: [{provider: sim}]}",
                        "{modelPattern: chat-x, targets: [{provider: sim}]}",
                        "spec.modelPattern", "spec.modelPattern needs a wildcard"),
                new Case("a pattern group has no aliases", "ModelGroup",
                        "{modelPattern: 'chat*', targets: [{provider: sim}]}",
                        "{modelPattern: 'chat*', aliases: [chat-latest], targets: [{provider: sim}]}",
                        "spec.aliases", "a pattern ModelGroup has no aliases"),
                new Case("capture references only in pattern groups", "ModelGroup",
                        "{modelPattern: 'chat*', targets: [{provider: sim, model: 'chat{1}'}]}",
                        "{model: chat, targets: [{provider: sim, model: 'chat-{1}'}]}",
                        "spec.targets", "capture references {n} in a target's model need spec.modelPattern"),
                new Case("backoff base <= max compares durations, not strings", "RoutingPolicy",
                        "{access: {mode: Open}, defaults: {retry: {backoff: {base: 90s, max: 2m}}}}",
                        "{access: {mode: Open}, defaults: {retry: {backoff: {base: 5s, max: 2s}}}}",
                        "spec.defaults.retry.backoff.base", "backoff.base must not exceed backoff.max"),
                new Case("backoff base <= defaulted max", "RoutingPolicy",
                        "{access: {mode: Open}, defaults: {retry: {backoff: {base: 1500ms}}}}",
                        "{access: {mode: Open}, defaults: {retry: {backoff: {base: 3s}}}}",
                        "spec.defaults.retry.backoff.base", "backoff.base must not exceed backoff.max"),
                new Case("ApiKeys needs clients", "RoutingPolicy",
                        "{access: {mode: ApiKeys, clients: [{name: search, keyRef: {name: client-keys, key: search}}]}}",
                        "{access: {mode: ApiKeys}}",
                        "spec.access.clients", "access.mode ApiKeys needs at least one entry in access.clients"),
                new Case("ApiKeys is the default mode and needs clients", "RoutingPolicy",
                        "{access: {mode: Open}}",
                        "{access: {clients: []}}",
                        "spec.access.clients", "access.mode ApiKeys needs at least one entry in access.clients"),
                new Case("replicas xor autoscaling", "RoutingPolicy",
                        "{access: {mode: Open}, gateway: {replicas: 3}}",
                        "{access: {mode: Open}, gateway: {replicas: 3, autoscaling: {maxReplicas: 5}}}",
                        "spec.gateway.replicas", "set either gateway.replicas or gateway.autoscaling, not both"),
                new Case("affinity: header or clientKey", "RoutingPolicy",
                        "{access: {mode: Open}, defaults: {affinity: {header: x-session-id}}}",
                        "{access: {mode: Open}, defaults: {affinity: {header: x-session-id, clientKey: true}}}",
                        "spec.defaults.affinity.header", "affinity needs exactly one of header or clientKey: true"),
                new Case("minReplicas <= maxReplicas", "RoutingPolicy",
                        "{access: {mode: Open}, gateway: {autoscaling: {minReplicas: 3, maxReplicas: 3}}}",
                        "{access: {mode: Open}, gateway: {autoscaling: {minReplicas: 5, maxReplicas: 3}}}",
                        "spec.gateway.autoscaling.minReplicas", "autoscaling.minReplicas must not exceed autoscaling.maxReplicas"),
                new Case("defaulted minReplicas (2) <= maxReplicas", "RoutingPolicy",
                        "{access: {mode: Open}, gateway: {autoscaling: {maxReplicas: 2}}}",
                        "{access: {mode: Open}, gateway: {autoscaling: {maxReplicas: 1}}}",
                        "spec.gateway.autoscaling.minReplicas", "autoscaling.minReplicas must not exceed autoscaling.maxReplicas"),
                new Case("a client needs keyRef or token", "RoutingPolicy",
                        "{access: {issuers: [" + ISSUER + "], clients: [{name: jobs, token: {issuer: sso}}]}}",
                        "{access: {issuers: [" + ISSUER + "], clients: [{name: jobs, models: [chat]}]}}",
                        "spec.access.clients[0].keyRef", "a client needs keyRef, token or both"),
                new Case("an OIDC issuer needs its URL", "RoutingPolicy",
                        "{access: {mode: Open, issuers: [" + ISSUER + "]}}",
                        "{access: {mode: Open, issuers: [{name: sso, jwksUri: 'https://sso.example.com/keys', audiences: [gw]}]}}",
                        "spec.access.issuers[0].issuer", "an OIDC issuer needs issuer"),
                new Case("a Kubernetes issuer names no URL", "RoutingPolicy",
                        "{access: {mode: Open, issuers: [{name: cluster, type: Kubernetes, audiences: [gw]}]}}",
                        "{access: {mode: Open, issuers: [{name: cluster, type: Kubernetes, issuer: 'https://kubernetes.default.svc', audiences: [gw]}]}}",
                        "spec.access.issuers[0].issuer", "a Kubernetes issuer takes its URL and keys from the cluster"),
                new Case("clockSkew at most 5m", "RoutingPolicy",
                        "{access: {mode: Open, issuers: [{name: sso, issuer: 'https://sso.example.com', audiences: [gw], clockSkew: 300s}]}}",
                        "{access: {mode: Open, issuers: [{name: sso, issuer: 'https://sso.example.com', audiences: [gw], clockSkew: 301s}]}}",
                        "spec.access.issuers[0].clockSkew", "clockSkew must not exceed 5m"),
                new Case("a claim match: matches or contains", "RoutingPolicy",
                        "{access: {issuers: [" + ISSUER + "], clients: [{name: jobs, token: {issuer: sso, claims: [{claim: groups, contains: ml}]}}]}}",
                        "{access: {issuers: [" + ISSUER + "], clients: [{name: jobs, token: {issuer: sso, claims: [{claim: groups, contains: ml, matches: ml}]}}]}}",
                        "spec.access.clients[0].token.claims[0].matches", "a claim match needs exactly one of matches or contains"),
                new Case("a hook is a service or the redaction", "RoutingPolicy",
                        "{access: {mode: Open}, hooks: [{name: guard, phase: PreCall, url: 'http://guard.llm:8080/check'}]}",
                        "{access: {mode: Open}, hooks: [{name: guard, phase: PreCall}]}",
                        "spec.hooks[0].url", "a hook needs exactly one of url (an HTTP hook service) and redact"),
                new Case("redaction runs before the call", "RoutingPolicy",
                        "{access: {mode: Open}, hooks: [{name: pii, phase: PreCall, redact: {presets: [Email]}}]}",
                        "{access: {mode: Open}, hooks: [{name: pii, phase: PostCall, redact: {presets: [Email]}}]}",
                        "spec.hooks[0].phase", "redaction is a PreCall hook"),
                new Case("a token only for a hook service", "RoutingPolicy",
                        "{access: {mode: Open}, hooks: [{name: guard, phase: PreCall, url: 'http://guard.llm:8080/check', tokenRef: {name: keys, key: k}}]}",
                        "{access: {mode: Open}, hooks: [{name: pii, phase: PreCall, redact: {presets: [Email]}, tokenRef: {name: keys, key: k}}]}",
                        "spec.hooks[0].tokenRef", "tokenRef belongs to an HTTP hook (url)"));
    }

    private static final String ISSUER = "{name: sso, issuer: 'https://sso.example.com', audiences: [gw]}";

    static JsonNode resource(String kind, String spec) {
        return Yaml.tree("apiVersion: switchboard.dev/v1alpha1\nkind: " + kind + "\nmetadata: {name: test}\nspec: " + spec + "\n");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void validResourcePasses(Case c) {
        JsonNode resource = resource(c.kind(), c.valid());
        assertThat(SCHEMA.validate(c.kind(), resource)).as("OpenAPI schema").isEmpty();
        assertThat(CelRules.validate(resource)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void violatingResourceIsRejectedNamingTheField(Case c) {
        JsonNode resource = resource(c.kind(), c.invalid());
        assertThat(SCHEMA.validate(c.kind(), resource)).as("OpenAPI schema alone accepts it").isEmpty();
        assertThat(CelRules.validate(resource)).singleElement().satisfies(violation -> {
            assertThat(violation.field()).isEqualTo(c.field());
            assertThat(violation.message()).contains(c.message());
        });
    }

    /** A new rule in the CRDs without a failing case here fails this test. */
    @Test
    void everyRuleInTheCrdsHasAViolatingCase() {
        Set<String> declared = Stream.of("Provider", "ModelGroup", "RoutingPolicy")
                .flatMap(kind -> CelRules.rules(CelRules.schemaOf(kind)).stream())
                .map(CelRules.Rule::rule)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> violated = cases()
                .flatMap(c -> CelRules.validate(resource(c.kind(), c.invalid())).stream())
                .map(CelRules.Violation::rule)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(declared).hasSize(23);
        assertThat(violated).isEqualTo(declared);
    }

    /** Rules sit where the field paths in their messages say: spec, or the nested object named. */
    @Test
    void rulesSitOnTheNodesTheirFieldPathsAreRelativeTo() {
        List<String> located = Stream.of("Provider", "ModelGroup", "RoutingPolicy")
                .flatMap(kind -> CelRules.rules(CelRules.schemaOf(kind)).stream())
                .map(rule -> rule.path() + rule.fieldPath())
                .sorted()
                .toList();
        assertThat(located).containsExactly(
                "spec.access.clients",
                "spec.access.clients[*].keyRef",
                "spec.access.clients[*].token.claims[*].matches",
                "spec.access.issuers[*].clockSkew",
                "spec.access.issuers[*].issuer",
                "spec.aliases",
                "spec.aliases",
                "spec.apiVersion",
                "spec.credentials",
                "spec.defaults.affinity.header",
                "spec.defaults.retry.backoff.base",
                "spec.endpoint",
                "spec.fallbacks",
                "spec.gateway.autoscaling.minReplicas",
                "spec.gateway.replicas",
                "spec.hooks[*].phase",
                "spec.hooks[*].tokenRef",
                "spec.hooks[*].url",
                "spec.model",
                "spec.modelPattern",
                "spec.simulation",
                "spec.targets",
                "spec.targets");
    }

    /** The API server rejects a CRD whose rule names a fieldPath the schema does not declare, or an unknown reason. */
    @Test
    void fieldPathsExistAndReasonsAreOnesTheApiServerAccepts() {
        for (String kind : List.of("Provider", "ModelGroup", "RoutingPolicy")) {
            walkRules(CelRules.schemaOf(kind), kind);
        }
    }

    private static void walkRules(JsonNode schema, String path) {
        for (JsonNode rule : schema.path("x-kubernetes-validations")) {
            String fieldPath = rule.path("fieldPath").asText();
            assertThat(fieldPath).as("fieldPath of %s at %s", rule.path("rule").asText(), path).matches("(\\.[A-Za-z][A-Za-z0-9]*)+");
            JsonNode target = schema;
            for (String part : fieldPath.substring(1).split("\\.")) {
                target = target.path("properties").path(part);
            }
            assertThat(target.isMissingNode()).as("%s%s is declared", path, fieldPath).isFalse();
            assertThat(rule.path("reason").asText())
                    .isIn("FieldValueInvalid", "FieldValueForbidden", "FieldValueRequired", "FieldValueDuplicate");
            assertThat(rule.path("message").asText()).isNotBlank();
        }
        schema.path("properties").fields().forEachRemaining(e -> walkRules(e.getValue(), path + "." + e.getKey()));
        if (schema.has("items")) {
            walkRules(schema.get("items"), path + "[]");
        }
    }

    /** The helper itself: a rule that cannot be evaluated (missing key without a default) counts as a violation. */
    @Test
    void unevaluableRuleIsAViolation() {
        JsonNode schema = Yaml.tree("""
                type: object
                properties:
                  spec:
                    type: object
                    x-kubernetes-validations:
                    - {rule: "self.a <= self.b", message: a must not exceed b, fieldPath: .a}
                    properties:
                      a: {type: integer}
                      b: {type: integer}
                """);
        assertThat(CelRules.validate(schema, Yaml.tree("spec: {a: 1, b: 2}"))).isEmpty();
        assertThat(CelRules.validate(schema, Yaml.tree("spec: {a: 3, b: 2}"))).extracting(CelRules.Violation::field).containsExactly("spec.a");
        assertThat(CelRules.validate(schema, Yaml.tree("spec: {a: 3}"))).singleElement()
                .satisfies(v -> assertThat(v.message()).contains("could not be evaluated"));
        assertThat(CelRules.validate(schema, Yaml.tree("other: 1"))).as("no spec, rule not evaluated").isEmpty();
    }
}
