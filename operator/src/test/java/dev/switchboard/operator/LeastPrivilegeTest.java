package dev.switchboard.operator;

import static dev.switchboard.operator.testing.Cluster.conditionStatus;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.Test;

import dev.switchboard.api.v1alpha1.Condition;
import dev.switchboard.api.v1alpha1.ModelGroup;
import dev.switchboard.api.v1alpha1.Provider;
import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.operator.testing.Cluster;
import dev.switchboard.operator.testing.Crds;
import dev.switchboard.operator.testing.GatewayStub;
import dev.switchboard.operator.testing.Manifests;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The install RBAC grants exactly what the operator does, no more and no less. The operator (with leader election, as
 * in production) runs against the mock API server through a life that touches every code path that talks to the API:
 * start-up, every dependent (NetworkPolicy included) created, updated after drift and (HPA, PDB) deleted, status written, Events recorded, a
 * Secret looked up that did not opt in, pods probed, the Lease held. Every request it sent is turned into the RBAC
 * triple (API group, resource, verb) that authorizes it, and that set must equal the rules of
 * manifests/install/rbac.yaml. A rule the code does not use fails, and so does a request no rule allows.
 */
@QuarkusTest
@TestProfile(LeastPrivilegeTest.WithLeaderElection.class)
@WithKubernetesTestServer(crud = true, setup = LeastPrivilegeTest.AccessReview.class)
@QuarkusTestResource(value = GatewayStub.class, restrictToAnnotatedClass = true)
class LeastPrivilegeTest {

    /**
     * Before electing, the operator asks the API server what it may do with Leases (a SelfSubjectRulesReview, which
     * the mock server cannot answer in CRUD mode). The answer given here is the install's own Lease Role, so the
     * operator checks its permissions against what is shipped.
     */
    public static class AccessReview implements Consumer<KubernetesServer> {
        @Override
        public void accept(KubernetesServer server) {
            try {
                Role leases = Manifests.ofType(InstallManifestsTest.readAll(Manifests.repoRoot().resolve("manifests/install/rbac.yaml")), Role.class)
                        .get(0);
                var review = new SelfSubjectRulesReviewBuilder()
                        .withNewStatus().withIncomplete(false)
                        .withResourceRules(leases.getRules().stream().map(rule -> new ResourceRuleBuilder()
                                .withApiGroups(rule.getApiGroups()).withResources(rule.getResources()).withVerbs(rule.getVerbs()).build()).toList())
                        .endStatus().build();
                server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews").andReturn(201, review).always();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Leader election runs in prod only; here too, so that the Lease rules are exercised. */
    public static class WithLeaderElection implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.operator-sdk.activate-leader-election-for-profiles", "test");
        }

        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(StayAfterLeading.class);
        }
    }

    /** The same Lease, but losing it when the test's application stops must not end the test JVM. */
    @Alternative
    public static class StayAfterLeading {
        @Produces
        @Singleton
        LeaderElectionConfiguration leaderElection() {
            return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration("switchboard-operator")
                    .withExitOnStopLeading(false).build();
        }
    }

    static final String NS = "rbac";
    /** Requests of the test's own client carry this agent, so they are told apart from the operator's. */
    static final String TEST_AGENT = "least-privilege-test";
    /**
     * What Kubernetes lets every authenticated user do (the default ClusterRoles system:basic-user and system:discovery):
     * no install grants them, so the operator may use them without a rule.
     */
    static final Set<String> ALWAYS_ALLOWED = Set.of(
            "authorization.k8s.io selfsubjectaccessreviews create", "authorization.k8s.io selfsubjectrulesreviews create",
            "nonResourceURL /version get", "nonResourceURL /api get", "nonResourceURL /apis get");

    static final List<String> LEASE_CHECK = List.of("get", "create", "update");

    @Inject
    KubernetesClient operatorClient;

    @KubernetesTestServer
    KubernetesServer server;

    @Test
    void theInstallRbacGrantsExactlyWhatTheOperatorDoes() throws Exception {
        KubernetesClient tester = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(operatorClient.getConfiguration()).withUserAgent(TEST_AGENT).build()).build();
        var cluster = new Cluster(tester);
        Crds.install(tester);
        cluster.createNamespace(NS);
        List<HasMetadata> resources = new ArrayList<>(Manifests.samplesWithoutDiscovery(NS));
        // A Secret that did not opt in, referenced by a Provider: the operator asks for it by name to say so.
        resources.add(new SecretBuilder().withNewMetadata().withName("plain").withNamespace(NS).endMetadata()
                .withStringData(Map.of("k", "sk-plain")).build());
        resources.add(Cluster.yaml(Provider.class, """
                apiVersion: switchboard.dev/v1alpha1
                kind: Provider
                metadata: {name: unlabelled, namespace: %s}
                spec: {type: OpenAI, credentials: {secretRef: {name: plain}}}
                """.formatted(NS)));
        cluster.apply(resources);

        cluster.awaitValue(() -> cluster.get(RoutingPolicy.class, NS, "default"), p -> p.getStatus() != null
                && Condition.TRUE.equals(conditionStatus(p.getStatus().conditions(), "ResolvedRefs")));
        cluster.awaitValue(() -> cluster.get(Provider.class, NS, "unlabelled"), p -> p.getStatus() != null
                && Condition.FALSE.equals(conditionStatus(p.getStatus().conditions(), "CredentialsResolved")));
        cluster.awaitResource(HorizontalPodAutoscaler.class, NS, "default-gateway");
        cluster.awaitResource(PodDisruptionBudget.class, NS, "default-gateway");
        cluster.readyGatewayPod(NS, "default", "default-gateway-1");

        // Drift on every kind the operator owns: it puts each back, which is how an update reaches every one of them.
        cluster.mergePatch(ModelGroup.class, NS, "chat-local", "{\"spec\":{\"aliases\":[\"llama3.1\",\"drift\"]}}");
        cluster.mergePatch(RoutingPolicy.class, NS, "default", "{\"spec\":{\"gateway\":{\"logLevel\":\"DEBUG\"}}}");
        cluster.mergePatch(Service.class, NS, "default-gateway", "{\"spec\":{\"selector\":{\"app.kubernetes.io/instance\":\"drift\"}}}");
        cluster.mergePatch(ServiceAccount.class, NS, "default-gateway", "{\"automountServiceAccountToken\":true}");
        cluster.mergePatch(HorizontalPodAutoscaler.class, NS, "default-gateway", "{\"spec\":{\"maxReplicas\":3}}");
        cluster.mergePatch(PodDisruptionBudget.class, NS, "default-gateway", "{\"spec\":{\"maxUnavailable\":2}}");
        cluster.mergePatch(NetworkPolicy.class, NS, "default-gateway", "{\"spec\":{\"policyTypes\":[\"Ingress\",\"Egress\"]}}");
        cluster.awaitAsserted(() -> {
            assertThat(cluster.get(ConfigMap.class, NS, "default-routing").getData().get("routing.json")).contains("drift");
            assertThat(cluster.get(Deployment.class, NS, "default-gateway").getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                    .anySatisfy(e -> assertThat(e.getValue()).isEqualTo("DEBUG"));
            assertThat(cluster.get(Service.class, NS, "default-gateway").getSpec().getSelector()).containsEntry("app.kubernetes.io/instance", "default");
            assertThat(cluster.get(ServiceAccount.class, NS, "default-gateway").getAutomountServiceAccountToken()).isFalse();
            assertThat(cluster.get(HorizontalPodAutoscaler.class, NS, "default-gateway").getSpec().getMaxReplicas()).isEqualTo(10);
            assertThat(cluster.get(PodDisruptionBudget.class, NS, "default-gateway").getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
            assertThat(cluster.get(NetworkPolicy.class, NS, "default-gateway").getSpec().getPolicyTypes()).containsExactly("Ingress");
        });
        cluster.mergePatch(RoutingPolicy.class, NS, "default", "{\"spec\":{\"gateway\":{\"autoscaling\":null,\"replicas\":1}}}");
        cluster.awaitAsserted(() -> {
            assertThat(cluster.get(HorizontalPodAutoscaler.class, NS, "default-gateway")).isNull();
            assertThat(cluster.get(PodDisruptionBudget.class, NS, "default-gateway")).isNull();
        });
        // The Lease is renewed every few seconds: wait for a renewal, so that taking it over is not all that is seen.
        String firstRenewal = cluster.awaitValue(() -> leaseRenewTime(tester), time -> time != null);
        cluster.awaitValue(() -> leaseRenewTime(tester), time -> !time.equals(firstRenewal));

        List<RecordedRequest> requests = operatorRequests();
        Set<String> used = new TreeSet<>();
        requests.forEach(request -> used.add(authorization(request)));
        used.removeAll(ALWAYS_ALLOWED);
        if (requests.stream().anyMatch(r -> r.getPath().endsWith("/selfsubjectrulesreviews"))) {
            // JOSDK's leader election asks what it may do with Leases and refuses to start unless the answer shows
            // get, create and update (LeaderElectionManager); the renewals themselves are patches.
            LEASE_CHECK.forEach(verb -> used.add("coordination.k8s.io leases " + verb));
        }

        assertThat(granted()).as("rules of manifests/install/rbac.yaml against the requests the operator sent").isEqualTo(used);
        // Design rules, so that a future request of this kind is a decision and not a rule quietly added.
        assertThat(used).as("never writes a spec, a Secret or a Pod").noneMatch(triple -> triple.matches(
                "switchboard\\.dev (providers|modelgroups|routingpolicies) (create|update|patch|delete)| (secrets|pods) (create|update|patch|delete)"));
        // Only Secrets that opted in are listed and watched, so only those are ever held in memory.
        assertThat(requests).filteredOn(r -> r.getPath().matches("/api/v1/(namespaces/[^/]+/)?secrets\\?.*"))
                .isNotEmpty()
                .allSatisfy(r -> assertThat(decode(r.getPath())).contains("labelSelector=switchboard.dev/usable=true"));
    }

    private static String leaseRenewTime(KubernetesClient tester) {
        return tester.resources(Lease.class).inAnyNamespace().list().getItems().stream()
                .filter(l -> l.getMetadata().getName().equals("switchboard-operator"))
                .map(l -> l.getSpec().getRenewTime() == null ? null : l.getSpec().getRenewTime().toString())
                .findFirst().orElse(null);
    }

    /** Every request the mock API server received since it started, minus the test's own. */
    private List<RecordedRequest> operatorRequests() throws InterruptedException {
        List<RecordedRequest> requests = new ArrayList<>();
        RecordedRequest request;
        while ((request = server.getKubernetesMockServer().takeRequest(100, TimeUnit.MILLISECONDS)) != null) {
            String agent = request.getHeader("User-Agent");
            if (agent == null || !agent.contains(TEST_AGENT)) {
                requests.add(request);
            }
        }
        assertThat(requests).as("requests of the operator").isNotEmpty();
        return requests;
    }

    /** "group resource verb" of the rule that authorizes a request, as the API server's RBAC authorizer sees it. */
    static String authorization(RecordedRequest request) {
        String[] pathAndQuery = request.getPath().split("\\?", 2);
        String query = pathAndQuery.length > 1 ? decode(pathAndQuery[1]) : "";
        List<String> segments = List.of(pathAndQuery[0].replaceFirst("^/", "").split("/"));
        String group;
        List<String> rest;
        if (segments.get(0).equals("api") && segments.size() >= 2) {
            group = "";
            rest = segments.subList(2, segments.size());
        } else if (segments.get(0).equals("apis") && segments.size() >= 3) {
            group = segments.get(1);
            rest = segments.subList(3, segments.size());
        } else {
            return "nonResourceURL " + pathAndQuery[0] + " " + request.getMethod().toLowerCase();
        }
        if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
            rest = rest.subList(2, rest.size());
        }
        String resource = rest.get(0) + (rest.size() >= 3 ? "/" + rest.get(2) : "");
        boolean named = rest.size() >= 2;
        String verb = switch (request.getMethod()) {
            case "GET" -> named ? "get" : query.matches("(.*&)?watch=(true|1)(&.*)?") ? "watch" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> request.getMethod();
        };
        return group + " " + resource + " " + verb;
    }

    /** The triples the install's ClusterRole and Role grant. */
    static Set<String> granted() throws IOException {
        List<HasMetadata> rbac = InstallManifestsTest.readAll(Path.of(Manifests.repoRoot().toString(), "manifests/install/rbac.yaml"));
        List<PolicyRule> rules = new ArrayList<>();
        Manifests.ofType(rbac, ClusterRole.class).forEach(r -> rules.addAll(r.getRules()));
        Manifests.ofType(rbac, Role.class).forEach(r -> rules.addAll(r.getRules()));
        Set<String> triples = new TreeSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (PolicyRule rule : rules) {
            assertThat(rule.getResourceNames()).as("no rule is narrowed by name; this test would not see it").isNullOrEmpty();
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    for (String verb : rule.getVerbs()) {
                        String triple = group + " " + resource + " " + verb;
                        triples.add(triple);
                        seen.merge(triple, 1, Integer::sum);
                    }
                }
            }
        }
        assertThat(seen).as("no permission granted twice").allSatisfy((triple, count) -> assertThat(count).as(triple).isEqualTo(1));
        return triples;
    }

    static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
}
