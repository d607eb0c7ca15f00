package dev.switchboard.operator.routingpolicy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.operator.common.Labels;
import dev.switchboard.operator.common.OperatorConfig;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Asks every ready gateway pod which routing table it serves (GET /q/switchboard/config → {"hash": ...}).
 * This is how Programmed can mean "every ready replica serves the current table" rather than "the ConfigMap
 * was written": kubelet propagates ConfigMap changes with a delay of up to a minute.
 */
@ApplicationScoped
public class GatewayConfigProbe {

    private static final Logger LOG = Logger.getLogger(GatewayConfigProbe.class);
    static final String CONFIG_PATH = "/q/switchboard/config";

    /** Ready pods, and how many of them report the expected hash. */
    public record Result(int readyPods, int programmedPods) {
        boolean allProgrammed() {
            return readyPods > 0 && programmedPods == readyPods;
        }
    }

    private final KubernetesClient client;
    private final OperatorConfig config;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http;

    public GatewayConfigProbe(KubernetesClient client, OperatorConfig config) {
        this.client = client;
        this.config = config;
        this.http = HttpClient.newBuilder().connectTimeout(config.gateway().statusTimeout()).build();
    }

    public Result probe(RoutingPolicy policy, String expectedHash) {
        List<Pod> ready = client.pods().inNamespace(policy.getMetadata().getNamespace())
                .withLabels(Labels.selector(policy.getMetadata().getName()))
                .list().getItems().stream()
                .filter(GatewayConfigProbe::isReady)
                .toList();
        // All pods at once: one slow or unreachable pod costs one timeout, not one per pod.
        List<CompletableFuture<String>> hashes = ready.stream().map(this::reportedHash).toList();
        int programmed = (int) hashes.stream().map(CompletableFuture::join).filter(expectedHash::equals).count();
        return new Result(ready.size(), programmed);
    }

    static boolean isReady(Pod pod) {
        if (pod.getMetadata().getDeletionTimestamp() != null || pod.getStatus() == null || pod.getStatus().getPodIP() == null
                || pod.getStatus().getConditions() == null) {
            return false;
        }
        return pod.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** The hash the pod reports, or null when it cannot be asked; an unreachable pod is simply not programmed. */
    private CompletableFuture<String> reportedHash(Pod pod) {
        String ip = pod.getStatus().getPodIP();
        String host = ip.contains(":") ? "[" + ip + "]" : ip;
        URI uri = URI.create("http://" + host + ":" + config.gateway().statusPort() + CONFIG_PATH);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(config.gateway().statusTimeout()).GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> response.statusCode() == 200 ? hashIn(response.body()) : null)
                .exceptionally(failure -> {
                    LOG.debugf("config probe of pod %s failed: %s", pod.getMetadata().getName(), failure.getMessage());
                    return null;
                });
    }

    private String hashIn(String body) {
        try {
            JsonNode hash = json.readTree(body).get("hash");
            return hash == null ? null : hash.asText();
        } catch (IOException e) {
            return null;
        }
    }
}
