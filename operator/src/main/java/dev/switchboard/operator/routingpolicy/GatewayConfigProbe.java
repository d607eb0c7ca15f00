package dev.switchboard.operator.routingpolicy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.operator.common.BoundedHttp;
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

    /** The answer is {"hash": "<64 hex>"}; anything much longer is not a gateway. */
    static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final KubernetesClient client;
    private final OperatorConfig config;
    private final ObjectMapper json = new ObjectMapper();
    private final BoundedHttp http;

    public GatewayConfigProbe(KubernetesClient client, OperatorConfig config) {
        this.client = client;
        this.config = config;
        // A pod runs the image its policy names, so its answer is bounded like any untrusted server's.
        this.http = new BoundedHttp(config.gateway().statusTimeout(), MAX_ANSWER_BYTES);
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
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + config.gateway().statusPort() + CONFIG_PATH));
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(null);
        }
        return http.get(request).thenApply(answer -> {
            if (answer.failed() || answer.status() != 200) {
                LOG.debugf("config probe of pod %s: %s", pod.getMetadata().getName(),
                        answer.failed() ? answer.failure() : "HTTP " + answer.status());
                return null;
            }
            return hashIn(answer.body());
        });
    }

    private String hashIn(byte[] body) {
        try {
            JsonNode answer = json.readTree(body);
            JsonNode hash = answer == null ? null : answer.get("hash");
            return hash == null ? null : hash.asText();
        } catch (IOException e) {
            return null;
        }
    }
}
