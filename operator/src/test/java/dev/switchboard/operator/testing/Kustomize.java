package dev.switchboard.operator.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Renders a kustomization with {@code kubectl kustomize}, the same code path as {@code kubectl apply -k}
 * (kustomize is built into kubectl and needs no cluster). Tests are skipped, with a message saying so, only
 * on a machine without kubectl.
 */
public final class Kustomize {

    private Kustomize() {
    }

    /** The rendered objects as generic maps, in kustomize's output order. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> render(Path directory) {
        String yaml = renderYaml(directory);
        List<Map<String, Object>> objects = new ArrayList<>();
        for (String document : yaml.split("(?m)^---\\s*$")) {
            if (!document.isBlank()) {
                objects.add(Manifests.SERIALIZATION.unmarshal(document, Map.class));
            }
        }
        return objects;
    }

    public static String renderYaml(Path directory) {
        assumeTrue(kubectlAvailable(), "kubectl is not on the PATH: the kustomize rendering tests need it (it works offline)");
        try {
            Process process = new ProcessBuilder("kubectl", "kustomize", directory.toString()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new AssertionError("kubectl kustomize " + directory + " failed:\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new AssertionError("kubectl kustomize " + directory + " could not run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static boolean kubectlAvailable() {
        try {
            Process process = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Map<String, Object> object, String key) {
        Object value = object.get(key);
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    public static String kind(Map<String, Object> object) {
        return String.valueOf(object.get("kind"));
    }

    public static String name(Map<String, Object> object) {
        return String.valueOf(map(object, "metadata").get("name"));
    }

    public static String annotation(Map<String, Object> object, String key) {
        Object value = map(map(object, "metadata"), "annotations").get(key);
        return value == null ? null : String.valueOf(value);
    }
}
