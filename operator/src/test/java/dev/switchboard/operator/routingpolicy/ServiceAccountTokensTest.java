package dev.switchboard.operator.routingpolicy;

import static dev.switchboard.operator.testing.Cluster.conditionStatus;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.api.v1alpha1.Condition;
import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.operator.testing.Cluster;
import dev.switchboard.operator.testing.Crds;
import dev.switchboard.operator.testing.GatewayProcess;
import dev.switchboard.operator.testing.KubeletProjection;
import dev.switchboard.operator.testing.Manifests;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * A RoutingPolicy trusting the cluster's ServiceAccount issuer (type Kubernetes), end to end with only the kubelet
 * and the API server's issuer endpoints simulated: the mock API server serves a discovery document and a JWK set of a
 * key generated here; the operator reads them (exactly the two URLs its ClusterRole grants) and publishes issuer and
 * keys in the routing ConfigMap; the gateway Deployment mounts nothing more (no token, no Secret); a real gateway
 * process given that ConfigMap accepts a projected-token-shaped JWT with the gateway's audience and refuses one for
 * the API server's audience. A key rotation on the API server reaches the gateway through the ConfigMap.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = GatewayProcess.class, restrictToAnnotatedClass = true)
class ServiceAccountTokensTest {

    static final String NS = "team-a";
    static final String POLICY = "keyless";
    static final String ISSUER = "https://kubernetes.default.svc.cluster.local";
    static final String AUDIENCE = "switchboard.team-a.keyless";
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    KubernetesClient client;

    @KubernetesTestServer
    KubernetesServer apiServer;

    private final HttpClient http = HttpClient.newHttpClient();
    /** The non-resource URLs the operator asked the API server for. */
    private final Set<String> read = ConcurrentHashMap.newKeySet();
    private volatile String jwks;

    @Test
    void aKubernetesIssuerReachesTheGatewayThroughTheConfigMapAlone() throws Exception {
        KeyPair first = rsa();
        jwks = jwks(Map.of("first", first));
        apiServer.expect().get().withPath("/.well-known/openid-configuration").andReply(200, request -> {
            read.add(request.getPath());
            return "{\"issuer\":\"" + ISSUER + "\",\"jwks_uri\":\"" + ISSUER + "/openid/v1/jwks\"}";
        }).always();
        apiServer.expect().get().withPath("/openid/v1/jwks").andReply(200, request -> {
            read.add(request.getPath());
            return jwks;
        }).always();

        var cluster = new Cluster(client);
        Crds.install(client);
        cluster.createNamespace(NS);
        List<HasMetadata> resources = Manifests.read(GatewayResourcesGoldenTest.GOLDEN.resolve("in-serviceaccount-tokens.yaml"), NS);
        cluster.apply(resources);
        var kubelet = new KubeletProjection(GatewayProcess.mount());
        cluster.readyGatewayPod(NS, POLICY, POLICY + "-gateway-0");
        awaitProgrammed(cluster, kubelet, p -> true);

        // What the ConfigMap says: the cluster's issuer and its public key, nothing to fetch and no secret.
        JsonNode issuer = JSON.readTree(cluster.get(ConfigMap.class, NS, POLICY + "-routing").getData().get("routing.json"))
                .path("access").path("issuers").path(0);
        assertThat(issuer.path("name").asText()).isEqualTo("cluster");
        assertThat(issuer.path("issuer").asText()).isEqualTo(ISSUER);
        assertThat(issuer.path("keys")).extracting(k -> k.path("kid").asText()).containsExactly("first");
        assertThat(issuer.path("audiences")).extracting(JsonNode::asText).containsExactly(AUDIENCE);
        assertThat(issuer.has("jwksUri") || issuer.has("discovery")).isFalse();

        // What is mounted: the routing ConfigMap and scratch space, no ServiceAccount token.
        Deployment deployment = cluster.get(Deployment.class, NS, POLICY + "-gateway");
        var pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getVolumes()).extracting(Volume::getName).containsExactly("routing", "tmp");
        assertThat(pod.getVolumes()).allSatisfy(v -> assertThat(v.getProjected()).isNull());
        assertThat(cluster.get(ServiceAccount.class, NS, POLICY + "-gateway").getAutomountServiceAccountToken()).isFalse();

        // What RBAC grants: get on exactly the URLs the operator read, and nothing of the kind to the gateway.
        List<PolicyRule> nonResource = java.util.Arrays.stream(java.nio.file.Files.readString(Manifests.repoRoot().resolve("manifests/install/rbac.yaml"))
                .split("(?m)^---\\s*$")).map(document -> Manifests.SERIALIZATION.unmarshal(document)).filter(ClusterRole.class::isInstance)
                .map(ClusterRole.class::cast).flatMap(r -> r.getRules().stream()).filter(r -> !r.getNonResourceURLs().isEmpty()).toList();
        assertThat(nonResource).singleElement().satisfies(rule -> {
            assertThat(rule.getVerbs()).containsExactly("get");
            assertThat(rule.getNonResourceURLs()).containsExactlyInAnyOrderElementsOf(read);
        });
        assertThat(read).containsExactlyInAnyOrder(ClusterIssuerKeys.DISCOVERY, ClusterIssuerKeys.JWKS);

        // The gateway verifies projected tokens with the published key: the workload's audience in, the API server's out.
        assertThat(chat(token(first, "first", "trainer", AUDIENCE)).statusCode()).isEqualTo(200);
        HttpResponse<String> apiServerAudience = chat(token(first, "first", "trainer", ISSUER));
        assertThat(apiServerAudience.statusCode()).isEqualTo(401);
        assertThat(apiServerAudience.body()).contains("token_audience_mismatch");

        // The API server rotates its signing key: the operator publishes the new set, the gateway takes it from the table.
        KeyPair second = rsa();
        jwks = jwks(Map.of("second", second));
        awaitProgrammed(cluster, kubelet, p -> {
            String routing = cluster.get(ConfigMap.class, NS, POLICY + "-routing").getData().get("routing.json");
            return routing.contains("\"second\"") && !routing.contains("\"first\"");
        });
        // Awaited, not asserted at once: on a heavily loaded machine the first request after Programmed was once refused.
        String rotated = token(second, "second", "notebook", AUDIENCE);
        cluster.awaitAsserted(() -> assertThat(statusOf(rotated)).isEqualTo(200));
        HttpResponse<String> retired = chat(token(first, "first", "notebook", AUDIENCE));
        assertThat(retired.statusCode()).isEqualTo(401);
        assertThat(retired.body()).contains("token_key_unknown");
    }

    private RoutingPolicy awaitProgrammed(Cluster cluster, KubeletProjection kubelet, Predicate<RoutingPolicy> wanted) {
        Map<String, String> projected = new HashMap<>();
        return cluster.awaitValue(() -> {
            ConfigMap routing = cluster.get(ConfigMap.class, NS, POLICY + "-routing");
            if (routing != null && !routing.getData().equals(projected)) {
                try {
                    kubelet.project(routing.getData());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                projected.clear();
                projected.putAll(routing.getData());
            }
            return cluster.get(RoutingPolicy.class, NS, POLICY);
        }, p -> p.getStatus() != null && p.getStatus().configHash() != null && p.getStatus().configHash().equals(hashOf(cluster))
                && wanted.test(p) && Condition.TRUE.equals(conditionStatus(p.getStatus().conditions(), "Programmed")));
    }

    private static String hashOf(Cluster cluster) {
        ConfigMap routing = cluster.get(ConfigMap.class, NS, POLICY + "-routing");
        return routing == null ? null : routing.getMetadata().getAnnotations().get("switchboard.dev/config-hash");
    }

    private int statusOf(String token) {
        try {
            return chat(token).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> chat(String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + GatewayProcess.port() + "/v1/chat/completions"))
                .header("content-type", "application/json")
                .header("authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"sim\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    /** The JWK set the API server serves at /openid/v1/jwks. */
    private static String jwks(Map<String, KeyPair> keys) {
        StringBuilder set = new StringBuilder("{\"keys\":[");
        keys.forEach((kid, pair) -> {
            RSAPublicKey key = (RSAPublicKey) pair.getPublic();
            set.append("{\"use\":\"sig\",\"kty\":\"RSA\",\"kid\":\"").append(kid).append("\",\"alg\":\"RS256\",\"n\":\"")
                    .append(base64(key.getModulus())).append("\",\"e\":\"").append(base64(key.getPublicExponent())).append("\"}");
        });
        return set.append("]}").toString();
    }

    /** A projected ServiceAccount token of team-a, as the kubelet mounts it: RS256, ten minutes. */
    private static String token(KeyPair key, String kid, String serviceAccount, String audience) throws Exception {
        long now = Instant.now().getEpochSecond();
        String header = "{\"alg\":\"RS256\",\"kid\":\"" + kid + "\"}";
        String claims = "{\"aud\":[\"" + audience + "\"],\"exp\":" + (now + 600) + ",\"iat\":" + now + ",\"nbf\":" + now + ",\"iss\":\"" + ISSUER
                + "\",\"kubernetes.io\":{\"namespace\":\"" + NS + "\",\"serviceaccount\":{\"name\":\"" + serviceAccount
                + "\",\"uid\":\"0\"}},\"sub\":\"system:serviceaccount:" + NS + ":" + serviceAccount + "\"}";
        String signingInput = base64(header.getBytes(StandardCharsets.UTF_8)) + "." + base64(claims.getBytes(StandardCharsets.UTF_8));
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(key.getPrivate());
        signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + base64(signature.sign());
    }

    private static String base64(BigInteger value) {
        byte[] bytes = value.toByteArray();
        // Unsigned big-endian, as JWK wants it: no leading sign byte.
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return base64(bytes);
    }

    private static String base64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
