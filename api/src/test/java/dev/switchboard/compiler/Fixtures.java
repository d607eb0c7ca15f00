package dev.switchboard.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.switchboard.api.v1alpha1.ModelGroup;
import dev.switchboard.api.v1alpha1.Provider;
import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.routing.ModelRoute;
import dev.switchboard.testing.Yaml;

/** Compact builders for compiler inputs: specs are written as YAML flow mappings. */
final class Fixtures {

    static final String NAMESPACE = "team-a";

    private Fixtures() {
    }

    static Provider provider(String name, String spec) {
        return provider(name, "{}", spec);
    }

    static Provider provider(String name, String labels, String spec) {
        return Yaml.read(resource("Provider", name, labels, spec), Provider.class);
    }

    static ModelGroup group(String name, String spec) {
        return Yaml.read(resource("ModelGroup", name, "{}", spec), ModelGroup.class);
    }

    static ModelGroup group(String name, String labels, String spec) {
        return Yaml.read(resource("ModelGroup", name, labels, spec), ModelGroup.class);
    }

    static RoutingPolicy policy(String spec) {
        return Yaml.read(resource("RoutingPolicy", "gateway", "{}", spec), RoutingPolicy.class);
    }

    /** An open policy with no further settings: the compiler's defaults apply. */
    static RoutingPolicy openPolicy() {
        return policy("{access: {mode: Open}}");
    }

    static Provider simulated(String name) {
        return provider(name, "{type: Simulated}");
    }

    static ModelGroup simpleGroup(String model, String... providers) {
        String targets = String.join(", ", Arrays.stream(providers).map(p -> "{provider: " + p + "}").toList());
        return group(model, "{model: " + model + ", targets: [" + targets + "]}");
    }

    private static String resource(String kind, String name, String labels, String spec) {
        return "apiVersion: switchboard.dev/v1alpha1\nkind: " + kind + "\nmetadata: {name: " + name + ", namespace: " + NAMESPACE
                + ", labels: " + labels + "}\nspec: " + spec + "\n";
    }

    /** Secrets as name, then key, key, ...; separate secrets with a name starting with "secret:". */
    static SecretIndex secrets(String... nameThenKeys) {
        Map<String, Set<String>> index = new LinkedHashMap<>();
        String current = null;
        for (String item : nameThenKeys) {
            if (item.startsWith("secret:")) {
                current = item.substring("secret:".length());
                index.put(current, new java.util.TreeSet<>());
            } else {
                index.get(current).add(item);
            }
        }
        return SecretIndex.of(index);
    }

    static Builder input() {
        return new Builder();
    }

    static final class Builder {
        RoutingPolicy policy = openPolicy();
        final List<Provider> providers = new ArrayList<>();
        final List<ModelGroup> groups = new ArrayList<>();
        SecretIndex secrets = SecretIndex.empty();
        String secretRoot;
        ClusterIssuer cluster = CLUSTER;

        Builder policy(RoutingPolicy policy) {
            this.policy = policy;
            return this;
        }

        Builder providers(Provider... providers) {
            this.providers.addAll(List.of(providers));
            return this;
        }

        Builder groups(ModelGroup... groups) {
            this.groups.addAll(List.of(groups));
            return this;
        }

        Builder secrets(SecretIndex secrets) {
            this.secrets = secrets;
            return this;
        }

        Builder secretRoot(String secretRoot) {
            this.secretRoot = secretRoot;
            return this;
        }

        /** The cluster's ServiceAccount issuer as the operator read it; null is local mode (no cluster). */
        Builder cluster(ClusterIssuer cluster) {
            this.cluster = cluster;
            return this;
        }

        CompilerInput build() {
            return new CompilerInput(policy, providers, groups, secrets, secretRoot, cluster);
        }

        Compilation compile() {
            Compilation compilation = RoutingCompiler.compile(build());
            assertThat(compilation.table().validate()).as("a compiled table always validates").isEmpty();
            return compilation;
        }
    }

    /** A cluster issuer with one RSA key, as the API server of a kind cluster publishes it. */
    static final ClusterIssuer CLUSTER = ClusterIssuer.read("{\"issuer\":\"https://kubernetes.default.svc.cluster.local\"}",
            "{\"keys\":[{\"use\":\"sig\",\"kty\":\"RSA\",\"kid\":\"k1\",\"alg\":\"RS256\",\"n\":\"sXch\",\"e\":\"AQAB\"}]}");

    static ResourceRef ref(String kind, String name) {
        return new ResourceRef(kind, NAMESPACE, name);
    }

    static List<String> modelNames(Compilation compilation) {
        return compilation.table().models().stream().map(ModelRoute::name).toList();
    }

    static List<String> targetsOf(Compilation compilation, String model) {
        ModelRoute route = compilation.table().model(model);
        assertThat(route).as("model %s in the table", model).isNotNull();
        return route.targets().stream().map(t -> t.provider() + "/" + t.model()).toList();
    }
}
