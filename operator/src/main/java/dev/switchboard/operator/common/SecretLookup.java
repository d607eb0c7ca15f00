package dev.switchboard.operator.common;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.switchboard.api.v1alpha1.SecretUse;
import dev.switchboard.compiler.SecretIndex;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Finds the Secrets resources refer to. The informers cache only Secrets that opted in ({@link SecretUse#SELECTOR}),
 * so that the operator neither holds every Secret of a namespace in memory nor uses one its owner did not offer.
 * A name the cache lacks is asked for once, only to tell a missing Secret from one that did not opt in; of such a
 * Secret nothing but its metadata is kept.
 */
@ApplicationScoped
public class SecretLookup {

    private static final Logger LOG = Logger.getLogger(SecretLookup.class);

    private final KubernetesClient client;

    public SecretLookup(KubernetesClient client) {
        this.client = client;
    }

    /** The cached Secret, else the API server's (values dropped unless it opted in), else null. */
    public Secret find(Optional<Secret> cached, String namespace, String name) {
        if (cached.isPresent()) {
            return cached.get();
        }
        Secret found;
        try {
            found = client.secrets().inNamespace(namespace).withName(name).get();
        } catch (KubernetesClientException e) {
            LOG.debugf("cannot read Secret %s/%s: HTTP %d", namespace, name, e.getCode());
            return null;
        }
        if (found == null || optedIn(found)) {
            return found;
        }
        return new SecretBuilder().withMetadata(found.getMetadata()).build();
    }

    public static boolean optedIn(Secret secret) {
        var labels = secret.getMetadata().getLabels();
        return labels != null && SecretUse.LABEL_VALUE.equals(labels.get(SecretUse.LABEL));
    }

    /** Adds what the compiler may know about the Secret: opt-in, keys and value facts (the values stay here). */
    public static void index(SecretIndex.Builder index, Secret secret) {
        index.secret(secret.getMetadata().getName(), secret.getMetadata().getLabels(), secret.getMetadata().getAnnotations(), values(secret));
    }

    /** Decoded values by data key; stringData (as in local files) wins over data. */
    public static Map<String, String> values(Secret secret) {
        Map<String, String> values = new TreeMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((key, value) -> values.put(key, decode(value)));
        }
        if (secret.getStringData() != null) {
            values.putAll(secret.getStringData());
        }
        return values;
    }

    private static String decode(String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64 == null ? "" : base64.strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // The API server stores only valid base64; should one slip through, it counts as empty, like an empty file.
            return "";
        }
    }
}
