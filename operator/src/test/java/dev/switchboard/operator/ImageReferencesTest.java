package dev.switchboard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.switchboard.operator.testing.Manifests;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * One image scheme everywhere: {@code switchboard/<gateway|operator>:<version>}, the version being the
 * project's without -SNAPSHOT. Checked in the Dockerfiles, the install manifests, the operator's default
 * gateway image, the OLM bundle, the docs and the golden files, so a release bump cannot miss one.
 */
class ImageReferencesTest {

    static final Path ROOT = Manifests.repoRoot();
    /** Our image names, but not a path such as dev/switchboard/operator or a user's registry.example.com/switchboard/gateway. */
    static final Pattern IMAGE = Pattern.compile("(?<![\\w./-])switchboard/(gateway|operator)(?![\\w/-])(:[\\w.-]+)?");
    static final List<String> SCANNED = List.of("manifests", "olm-bundle", "docs", "README.md", "operator/src/main/resources", "operator/src/main/kubernetes",
            "operator/src/test/resources/golden", "gateway/src/main/docker", "operator/src/main/docker");

    static String tag() throws IOException {
        Matcher version = Pattern.compile("<artifactId>switchboard-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertThat(version.find()).isTrue();
        return version.group(1).replace("-SNAPSHOT", "");
    }

    static String image(String component) throws IOException {
        return "switchboard/" + component + ":" + tag();
    }

    @Test
    void everyMentionOfOurImagesCarriesTheProjectVersion() throws IOException {
        List<String> mentions = new ArrayList<>();
        for (String scanned : SCANNED) {
            Path path = ROOT.resolve(scanned);
            if (!Files.exists(path)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(path)) {
                for (Path file : files.filter(Files::isRegularFile).filter(ImageReferencesTest::isText).toList()) {
                    Matcher matcher = IMAGE.matcher(Files.readString(file));
                    while (matcher.find()) {
                        mentions.add(ROOT.relativize(file) + ": " + matcher.group());
                    }
                }
            }
        }
        assertThat(mentions).as("image mentions").isNotEmpty();
        assertThat(mentions).allSatisfy(mention -> assertThat(mention).matches(".*: switchboard/(gateway|operator):" + Pattern.quote(tag())));
    }

    static boolean isText(Path file) {
        String name = file.getFileName().toString();
        return Stream.of(".yaml", ".yml", ".md", ".properties", ".json", "Dockerfile").anyMatch(name::endsWith);
    }

    @Test
    void installRunsTheOperatorImageAndDefaultsTheGatewayImage() throws IOException {
        Deployment operator = InstallManifestsTest.readAll(ROOT.resolve("manifests/install/operator.yaml")).stream()
                .filter(Deployment.class::isInstance).map(Deployment.class::cast).findFirst().orElseThrow();
        Container container = operator.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getImage()).isEqualTo(image("operator"));
        assertThat(container.getEnv()).filteredOn(e -> e.getName().equals("SWITCHBOARD_GATEWAY_IMAGE")).extracting(EnvVar::getValue)
                .containsExactly(image("gateway"));

        Properties properties = new Properties();
        try (var in = Files.newInputStream(ROOT.resolve("operator/src/main/resources/application.properties"))) {
            properties.load(in);
        }
        assertThat(properties.getProperty("switchboard.gateway.image")).isEqualTo(image("gateway"));
    }

    /** Labels name the image and its version; the build command in the header tags it with the scheme. */
    @Test
    void dockerfilesBuildTheSchemeOnANonRootPortableBase() throws IOException {
        for (String component : List.of("gateway", "operator")) {
            String dockerfile = Files.readString(ROOT.resolve(component + "/src/main/docker/Dockerfile"));
            assertThat(dockerfile).contains("org.opencontainers.image.title=\"switchboard-" + component + "\"")
                    .contains("org.opencontainers.image.version=\"" + tag() + "\"")
                    .contains("-t " + image(component) + " " + component + "\n")
                    .contains("target/quarkus-app/lib/", "target/quarkus-app/app/", "target/quarkus-app/quarkus/")
                    .contains("ENTRYPOINT [\"java\", \"-jar\", \"/deployments/quarkus-run.jar\"]");
            // A numeric non-root user, so the pods' runAsNonRoot can be verified by the kubelet.
            assertThat(dockerfile).containsPattern("(?m)^USER [1-9][0-9]*$");
            // Multi-arch: no pinned platform and no architecture-specific step.
            assertThat(dockerfile.toLowerCase()).doesNotContain("--platform=", "x86_64", "aarch64", "uname");
            // No registry host of ours: the base image is the only reference, and it is a build argument.
            assertThat(dockerfile).containsPattern("(?m)^FROM \\$\\{BASE_IMAGE}$");
        }
    }

    static List<HasMetadata> golden(String file) throws IOException {
        return InstallManifestsTest.readAll(ROOT.resolve("operator/src/test/resources/golden/" + file));
    }

    @Test
    void gatewayDeploymentsDerivedWithoutAnImageUseTheDefault() throws IOException {
        for (String file : List.of("out-samples.yaml", "out-defaults.yaml")) {
            List<String> images = golden(file).stream().filter(Deployment.class::isInstance).map(Deployment.class::cast)
                    .map(d -> d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).toList();
            assertThat(images).as(file).containsExactly(image("gateway"));
        }
    }
}
