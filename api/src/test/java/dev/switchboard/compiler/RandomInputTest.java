package dev.switchboard.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.api.v1alpha1.ModelGroup;
import dev.switchboard.api.v1alpha1.Provider;
import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.resources.CrdSchemaValidator;
import dev.switchboard.testing.CelRules;
import dev.switchboard.testing.Yaml;

/**
 * Seeded random inputs drawn from small pools, so names collide, references dangle and edge values appear. Only
 * resources the API server would accept (OpenAPI schema and CEL rules) are compiled. Properties: the compiler never
 * throws, the table always passes RoutingTable.validate(), the table serves exactly the groups without errors and
 * uses only providers without errors, and shuffling the input changes nothing.
 */
class RandomInputTest {

    private static final long SEED = 42L;
    private static final int SCENARIOS = 200;
    private static final CrdSchemaValidator SCHEMA = new CrdSchemaValidator();

    private final Random random = new Random(SEED);

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private List<String> subset(List<String> values) {
        return values.stream().filter(v -> random.nextInt(3) == 0).toList();
    }

    private String list(List<String> values) {
        return "[" + String.join(", ", values) + "]";
    }

    private String providerSpec() {
        String type = pick(List.of("OpenAI", "AzureOpenAI", "Anthropic", "Gemini", "Ollama", "OpenAICompatible", "Simulated"));
        List<String> fields = new ArrayList<>(List.of("type: " + type));
        if (random.nextInt(3) > 0 || type.equals("AzureOpenAI") || type.equals("OpenAICompatible")) {
            fields.add("endpoint: " + pick(List.of("'https://a.example.com/v1/'", "'http://b:8000'")));
        }
        if (type.equals("AzureOpenAI") || random.nextInt(4) == 0) {
            fields.add("apiVersion: '2024-10-21'");
        }
        if (random.nextInt(4) > 0) {
            String keys = random.nextBoolean() ? "" : ", keys: " + list(subset(List.of("k1", "k2", random.nextInt(4) == 0 ? "k3" : "k1")));
            fields.add("credentials: {secretRef: {name: " + pick(List.of("s1", "s1", "s1", "s2", "s-missing")) + keys + "}}");
        }
        if (random.nextBoolean()) {
            fields.add("models: " + list(subset(List.of("m1", "m2", "m3", "up-1"))));
        }
        if (random.nextInt(6) == 0) {
            fields.add("timeouts: {connect: " + pick(List.of("0s", "1ms", "2s")) + ", total: " + pick(List.of("10m", "0.4ms", "1h")) + "}");
        }
        if (random.nextInt(3) == 0) {
            fields.add("pricing: [{model: " + pick(List.of("m1", "m2", "up-1")) + ", inputPerMillion: 1, outputPerMillion: 2}]");
        }
        if (type.equals("Simulated") && random.nextBoolean()) {
            fields.add("simulation: {latency: " + pick(List.of("0s", "5ms")) + ", failureRate: " + pick(List.of("0", "0.5", "1")) + "}");
        }
        return "{" + String.join(", ", fields) + "}";
    }

    private String groupSpec() {
        String model = pick(List.of("m1", "m2", "m3", "m4"));
        List<String> fields = new ArrayList<>(List.of("model: " + model));
        List<String> aliases = subset(List.of("a1", "a2", "m1", "m2")).stream().filter(a -> !a.equals(model)).toList();
        if (!aliases.isEmpty()) {
            fields.add("aliases: " + list(aliases));
        }
        List<String> targets = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            String upstream = random.nextBoolean() ? "" : ", model: " + pick(List.of("m1", "m2", "up-1", "up-2"));
            targets.add("{provider: " + pick(List.of("p1", "p1", "p2", "p2", "p3", "p4", "p5", "ghost")) + upstream + ", weight: "
                    + pick(List.of("1", "5", "1000")) + ", priority: " + pick(List.of("0", "1", "100")) + "}");
        }
        if (!targets.isEmpty() || random.nextBoolean()) {
            fields.add("targets: " + list(targets));
        }
        if (random.nextInt(3) == 0) {
            fields.add("aggregate: {providerSelector: {matchLabels: {tier: " + pick(List.of("a", "b")) + "}}"
                    + (random.nextBoolean() ? ", model: up-1" : "") + "}");
        }
        if (random.nextInt(3) == 0) {
            fields.add("strategy: " + pick(List.of("Weighted", "Priority", "LowestCost", "RoundRobin")));
        }
        List<String> fallbacks = subset(List.of("m1", "m2", "m3", "m4", "a1", "a2", "nope")).stream().filter(f -> !f.equals(model)).toList();
        if (!fallbacks.isEmpty()) {
            fields.add("fallbacks: " + list(fallbacks));
        }
        return "{" + String.join(", ", fields) + "}";
    }

    private String policySpec() {
        String access = random.nextBoolean() ? "{mode: Open}"
                : "{mode: ApiKeys, clients: [{name: c1, keyRef: {name: " + pick(List.of("s1", "clients")) + ", key: k1}}, "
                        + "{name: " + pick(List.of("c1", "c2")) + ", keyRef: {name: clients, key: " + pick(List.of("k1", "k9")) + "}}]}";
        String deadline = pick(List.of("0s", "1ms", "30s", "2m", "2m", "2m"));
        return "{access: " + access + ", defaults: {deadline: " + deadline + ", strategy: " + pick(List.of("Weighted", "LowestCost")) + "}}";
    }

    private static boolean acceptedByApiServer(String kind, String name, String labels, String spec) {
        JsonNode resource = Yaml.tree("apiVersion: switchboard.dev/v1alpha1\nkind: " + kind + "\nmetadata: {name: " + name
                + ", namespace: " + Fixtures.NAMESPACE + ", labels: " + labels + "}\nspec: " + spec + "\n");
        return SCHEMA.validate(kind, resource).isEmpty() && CelRules.validate(resource).isEmpty();
    }

    record Scenario(RoutingPolicy policy, List<Provider> providers, List<ModelGroup> groups, SecretIndex secrets) {
    }

    private Scenario scenario() {
        List<Provider> providers = new ArrayList<>();
        for (int i = 1; i <= 3 + random.nextInt(3); i++) {
            String labels = "{tier: " + pick(List.of("a", "b")) + "}";
            String spec = providerSpec();
            if (acceptedByApiServer("Provider", "p" + i, labels, spec)) {
                providers.add(Fixtures.provider("p" + i, labels, spec));
            }
        }
        List<ModelGroup> groups = new ArrayList<>();
        for (int i = 1; i <= 1 + random.nextInt(6); i++) {
            String spec = groupSpec();
            if (acceptedByApiServer("ModelGroup", "g" + i, "{}", spec)) {
                groups.add(Fixtures.group("g" + i, spec));
            }
        }
        String policySpec = policySpec();
        RoutingPolicy policy = acceptedByApiServer("RoutingPolicy", "gateway", "{}", policySpec) ? Fixtures.policy(policySpec) : Fixtures.openPolicy();
        SecretIndex secrets = Fixtures.secrets("secret:s1", "k1", "k2", "secret:s2", "secret:clients", "k1");
        return new Scenario(policy, providers, groups, secrets);
    }

    @Test
    void randomAcceptedInputsCompileToValidTablesThatServeExactlyTheErrorFreeGroups() {
        int models = 0;
        int errors = 0;
        for (int n = 0; n < SCENARIOS; n++) {
            Scenario s = scenario();
            Compilation c = RoutingCompiler.compile(new CompilerInput(s.policy(), s.providers(), s.groups(), s.secrets(), null));
            String context = "scenario " + n + ": " + c.problems();
            assertThat(c.table().validate()).as(context).isEmpty();

            Set<ResourceRef> withErrors = c.problems().stream().filter(p -> p.severity() == Problem.Severity.Error)
                    .map(Problem::resource).collect(Collectors.toSet());
            long cleanGroups = s.groups().stream().filter(g -> !withErrors.contains(ResourceRef.of(g))).count();
            assertThat(c.table().models()).as(context).hasSize((int) cleanGroups);
            Map<String, Provider> byName = s.providers().stream().collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p));
            c.table().providers().forEach(p -> assertThat(withErrors).as(context).doesNotContain(ResourceRef.of(byName.get(p.name()))));

            List<Provider> providers = new ArrayList<>(s.providers());
            List<ModelGroup> groups = new ArrayList<>(s.groups());
            Collections.shuffle(providers, random);
            Collections.shuffle(groups, random);
            Compilation shuffled = RoutingCompiler.compile(new CompilerInput(s.policy(), providers, groups, s.secrets(), null));
            assertThat(shuffled.json()).as(context).isEqualTo(c.json());
            assertThat(shuffled.problems()).as(context).isEqualTo(c.problems());

            models += c.table().models().isEmpty() ? 0 : 1;
            errors += withErrors.isEmpty() ? 0 : 1;
        }
        assertThat(models).as("scenarios that serve something").isGreaterThan(SCENARIOS / 4);
        assertThat(errors).as("scenarios that exercise errors").isGreaterThan(SCENARIOS / 3);
    }
}
