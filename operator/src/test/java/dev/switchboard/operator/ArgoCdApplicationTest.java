package dev.switchboard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import dev.switchboard.operator.testing.Kustomize;
import dev.switchboard.operator.testing.Manifests;
import dev.switchboard.operator.testing.OlmBundleSources;

/**
 * The Argo CD example (manifests/argocd): the Applications point at directories that render, the CRDs
 * sync before everything else, ignoreDifferences lists exactly the CRD defaults that Argo CD would
 * otherwise show as a perpetual diff, and the argocd-cm kustomization carries the tested health scripts.
 */
class ArgoCdApplicationTest {

    static final Path ROOT = Manifests.repoRoot();
    static final Path ARGOCD = ROOT.resolve("manifests/argocd");
    static final String WAVE = "argocd.argoproj.io/sync-wave";

    @Test
    void ignoreDifferencesListExactlyTheDefaultsInsideListItems() throws IOException {
        Map<String, Set<String>> expected = new TreeMap<>();
        for (Map<String, Object> crd : crds()) {
            Map<String, Object> spec = Kustomize.map(crd, "spec");
            String kind = String.valueOf(Kustomize.map(spec, "names").get("kind"));
            @SuppressWarnings("unchecked")
            Map<String, Object> version = ((List<Map<String, Object>>) spec.get("versions")).get(0);
            Set<String> paths = new TreeSet<>();
            defaultsInListItems(Kustomize.map(Kustomize.map(version, "schema"), "openAPIV3Schema"), "", false, paths);
            if (!paths.isEmpty()) {
                expected.put(kind, paths);
            }
        }
        // Target weight and priority are such defaults: an empty result would mean the walk above is broken.
        assertThat(expected).containsKey("ModelGroup");

        Map<String, Set<String>> shipped = new TreeMap<>();
        for (Map<String, Object> ignored : ignoreDifferences(application("switchboard-routing"))) {
            assertThat(ignored.get("group")).isEqualTo("switchboard.dev");
            @SuppressWarnings("unchecked")
            List<String> expressions = (List<String>) ignored.get("jqPathExpressions");
            shipped.computeIfAbsent(String.valueOf(ignored.get("kind")), k -> new TreeSet<>()).addAll(expressions);
        }
        assertThat(shipped).isEqualTo(expected);
    }

    /**
     * A default outside any list is a field Git never had, which Argo CD's three-way diff ignores; inside a
     * list item it is not, because the list is compared as a whole.
     */
    static void defaultsInListItems(Map<String, Object> schema, String path, boolean inList, Set<String> paths) {
        if (inList && schema.containsKey("default")) {
            paths.add(path);
        }
        Kustomize.map(schema, "properties").forEach((name, property) -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> child = (Map<String, Object>) property;
            defaultsInListItems(child, path + "." + name, inList, paths);
        });
        if (schema.get("items") instanceof Map<?, ?>) {
            defaultsInListItems(Kustomize.map(schema, "items"), path + "[]?", true, paths);
        }
    }

    @Test
    void crdsSyncBeforeEverythingElseOfTheInstall() {
        List<Map<String, Object>> rendered = Kustomize.render(ROOT.resolve(source(application("switchboard-operator"))));
        int crds = 0;
        for (Map<String, Object> object : rendered) {
            String wave = Kustomize.annotation(object, WAVE);
            if (Kustomize.kind(object).equals("CustomResourceDefinition")) {
                assertThat(wave).as(Kustomize.name(object)).isEqualTo("-1");
                crds++;
            } else {
                assertThat(wave).as(Kustomize.kind(object) + " " + Kustomize.name(object) + " stays in the default wave 0").isNull();
            }
        }
        assertThat(crds).isEqualTo(3);
    }

    @Test
    void theOperatorSyncsBeforeTheResourcesThatNeedIt() {
        Map<String, Object> operator = application("switchboard-operator");
        Map<String, Object> routing = application("switchboard-routing");
        assertThat(Integer.parseInt(Kustomize.annotation(operator, WAVE))).isLessThan(Integer.parseInt(Kustomize.annotation(routing, WAVE)));
        assertThat(source(operator)).isEqualTo("manifests/install");
        assertThat(ROOT.resolve(source(routing))).isDirectory();
        assertThat(Manifests.readDirectory(ROOT.resolve(source(routing)), "team-a")).isNotEmpty();
    }

    /**
     * What switchboard-routing syncs (with selfHeal) carries no Secret: keys in Git are readable by everyone who can
     * read the repository, and the samples' placeholder keys are public. The files are the ones Argo CD's directory
     * source reads: the top level, and subdirectories only with recurse.
     */
    @Test
    void theRoutingApplicationSyncsNoSecret() throws IOException {
        Map<String, Object> routing = application("switchboard-routing");
        Map<String, Object> source = Kustomize.map(Kustomize.map(routing, "spec"), "source");
        boolean recurse = Boolean.TRUE.equals(Kustomize.map(source, "directory").get("recurse"));
        Path directory = ROOT.resolve(String.valueOf(source.get("path")));
        assertThat(directory.resolve("kustomization.yaml")).as("a plain directory source").doesNotExist();
        List<Path> synced;
        try (var files = recurse ? Files.walk(directory) : Files.list(directory)) {
            synced = files.filter(f -> f.toString().matches(".*\\.(ya?ml|json)$")).sorted().toList();
        }
        assertThat(synced).isNotEmpty();
        for (Path file : synced) {
            for (Map<String, Object> object : OlmBundleSources.documents(file)) {
                assertThat(Kustomize.kind(object)).as(ROOT.relativize(file) + " " + Kustomize.name(object)).isNotEqualTo("Secret");
            }
        }
    }

    @Test
    void argocdConfigMapCarriesTheTestedHealthScripts() throws IOException {
        List<Map<String, Object>> rendered = Kustomize.render(ARGOCD);
        assertThat(rendered).hasSize(1);
        Map<String, Object> configMap = rendered.get(0);
        assertThat(Kustomize.kind(configMap)).isEqualTo("ConfigMap");
        assertThat(Kustomize.name(configMap)).isEqualTo("argocd-cm");
        assertThat(Kustomize.map(configMap, "metadata").get("namespace")).isEqualTo("argocd");
        Map<String, Object> expected = new TreeMap<>();
        for (String kind : ArgoCdHealthTest.KINDS) {
            expected.put("resource.customizations.health.switchboard.dev_" + kind,
                    Files.readString(ArgoCdHealthTest.CUSTOMIZATIONS.resolve(kind).resolve("health.lua")));
        }
        assertThat(new TreeMap<>(Kustomize.map(configMap, "data"))).isEqualTo(expected);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> crds() throws IOException {
        List<Map<String, Object>> crds = new ArrayList<>();
        try (var files = Files.list(ROOT.resolve("crds"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".switchboard.dev.yaml")).sorted().toList()) {
                crds.add(Manifests.SERIALIZATION.unmarshal(Files.readString(file), Map.class));
            }
        }
        return crds;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> application(String name) {
        try {
            for (String document : Files.readString(ARGOCD.resolve("application.yaml")).split("(?m)^---\\s*$")) {
                Map<String, Object> application = Manifests.SERIALIZATION.unmarshal(document, Map.class);
                if (name.equals(Kustomize.name(application))) {
                    assertThat(Kustomize.kind(application)).isEqualTo("Application");
                    return application;
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("no Application " + name + " in manifests/argocd/application.yaml");
    }

    static String source(Map<String, Object> application) {
        return String.valueOf(Kustomize.map(Kustomize.map(application, "spec"), "source").get("path"));
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> ignoreDifferences(Map<String, Object> application) {
        return (List<Map<String, Object>>) Kustomize.map(application, "spec").get("ignoreDifferences");
    }
}
