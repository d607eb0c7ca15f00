package dev.switchboard.operator.routingpolicy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.api.v1alpha1.RoutingPolicySpec;
import dev.switchboard.compiler.CompilerInput;
import dev.switchboard.operator.common.Labels;
import dev.switchboard.operator.common.OperatorConfig;
import dev.switchboard.routing.RoutingTable;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * The gateway pods. The pod template depends only on the image, sizing, scheduling settings and the
 * <em>names</em> of mounted Secrets and keys: a routing change (ConfigMap) or a Secret rotation (file content) is
 * hot-reloaded by the gateway and must not roll the pods, so neither content nor resourceVersion of the
 * ConfigMap or the Secrets ever enters the template.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class GatewayDeploymentDependent extends CRUDKubernetesDependentResource<Deployment, RoutingPolicy> {

    static final String CONTAINER = "gateway";
    static final Map<String, String> DEFAULT_REQUESTS = Map.of("cpu", "250m", "memory", "256Mi");
    static final Map<String, String> DEFAULT_LIMITS = Map.of("memory", "512Mi");
    /**
     * Above the gateway's own shutdown: 5 s still serving while the pod leaves the Service endpoints, then up to
     * 30 s for in-flight requests and streams (quarkus.shutdown.delay and .timeout in the gateway).
     */
    static final long TERMINATION_GRACE_SECONDS = 45;

    private final OperatorConfig config;
    private final PolicyCompilations compilations;

    public GatewayDeploymentDependent(OperatorConfig config, PolicyCompilations compilations) {
        super(Deployment.class);
        this.config = config;
        this.compilations = compilations;
    }

    @Override
    protected Deployment desired(RoutingPolicy policy, Context<RoutingPolicy> context) {
        String name = policy.getMetadata().getName();
        RoutingTable table = compilations.of(policy, context).table();
        Map<String, Set<String>> secrets = mountedSecrets(table);
        return new DeploymentBuilder()
                .withMetadata(GatewayNames.gatewayMetadata(policy))
                .withNewSpec()
                .withReplicas(replicas(policy, context))
                .withNewSelector().withMatchLabels(Labels.selector(name)).endSelector()
                .withNewStrategy()
                .withType("RollingUpdate")
                // Surge first: a rollout never lowers serving capacity.
                .withNewRollingUpdate().withMaxUnavailable(new IntOrString(0)).withMaxSurge(new IntOrString(1)).endRollingUpdate()
                .endStrategy()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(podLabels(policy))
                .withAnnotations(podAnnotations(policy))
                .endMetadata()
                .withSpec(podSpec(policy, secrets))
                .endTemplate()
                .endSpec()
                .build();
    }

    /**
     * Fixed count from the spec; with autoscaling the HPA owns the field, so the current value is carried
     * over (a replacing update without it would reset the Deployment to one pod).
     */
    private static Integer replicas(RoutingPolicy policy, Context<RoutingPolicy> context) {
        Integer fixed = GatewaySizing.fixedReplicas(policy);
        if (fixed != null) {
            return fixed;
        }
        return context.getSecondaryResource(Deployment.class).map(d -> d.getSpec().getReplicas()).orElse(null);
    }

    /**
     * Every Secret the table names, with the keys it names: provider key pools, client keys, the admin key and the
     * Redis password, the hooks' tokens. Only these keys are mounted, not the rest of the Secret.
     */
    static Map<String, Set<String>> mountedSecrets(RoutingTable table) {
        Map<String, Set<String>> secrets = new TreeMap<>();
        table.secretFiles().forEach(file -> secrets.computeIfAbsent(file.secret(), s -> new TreeSet<>()).add(file.key()));
        return secrets;
    }

    private static Map<String, String> podLabels(RoutingPolicy policy) {
        Map<String, String> labels = new TreeMap<>();
        var template = podTemplate(policy);
        if (template != null && template.labels() != null) {
            labels.putAll(template.labels());
        }
        // Ours last: a user label must not break the selector.
        labels.putAll(Labels.managed(policy.getMetadata().getName()));
        return labels;
    }

    private static Map<String, String> podAnnotations(RoutingPolicy policy) {
        Map<String, String> annotations = new TreeMap<>();
        var template = podTemplate(policy);
        if (template != null && template.annotations() != null) {
            annotations.putAll(template.annotations());
        }
        annotations.put("kubectl.kubernetes.io/default-container", CONTAINER);
        return annotations;
    }

    private PodSpec podSpec(RoutingPolicy policy, Map<String, Set<String>> secrets) {
        var template = podTemplate(policy);
        List<Volume> volumes = new ArrayList<>();
        List<VolumeMount> mounts = new ArrayList<>();
        volumes.add(new VolumeBuilder().withName("routing")
                .withNewConfigMap().withName(GatewayNames.routingConfigMap(policy)).endConfigMap().build());
        mounts.add(new VolumeMountBuilder().withName("routing").withMountPath(GatewayNames.ROUTING_DIR).withReadOnly(true).build());
        int index = 0;
        for (var secret : secrets.entrySet()) {
            String volume = "secret-" + index++;
            List<KeyToPath> items = secret.getValue().stream().map(key -> new KeyToPath(key, null, key)).toList();
            volumes.add(new VolumeBuilder().withName(volume).withNewSecret().withSecretName(secret.getKey()).withItems(items).endSecret().build());
            mounts.add(new VolumeMountBuilder().withName(volume)
                    .withMountPath(CompilerInput.DEFAULT_SECRET_ROOT + "/" + secret.getKey()).withReadOnly(true).build());
        }
        // The root filesystem is read-only; the JVM and Vert.x still need a scratch directory.
        volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build());
        mounts.add(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build());

        return new PodSpecBuilder()
                .withServiceAccountName(GatewayNames.gateway(policy))
                .withAutomountServiceAccountToken(false)
                .withTerminationGracePeriodSeconds(TERMINATION_GRACE_SECONDS)
                .withEnableServiceLinks(false)
                .withNewSecurityContext()
                .withRunAsNonRoot(true)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .withContainers(container(policy, mounts))
                .withVolumes(volumes)
                .addNewTopologySpreadConstraint()
                .withMaxSkew(1)
                .withTopologyKey("kubernetes.io/hostname")
                // Spread when possible, but never leave a replica unscheduled on a small cluster.
                .withWhenUnsatisfiable("ScheduleAnyway")
                .withNewLabelSelector().withMatchLabels(Labels.selector(policy.getMetadata().getName())).endLabelSelector()
                .endTopologySpreadConstraint()
                .withNodeSelector(template == null || template.nodeSelector() == null ? null : new TreeMap<>(template.nodeSelector()))
                .withTolerations(template == null || template.tolerations() == null ? null : tolerations(template.tolerations()))
                .withPriorityClassName(template == null ? null : template.priorityClassName())
                .build();
    }

    private Container container(RoutingPolicy policy, List<VolumeMount> mounts) {
        var gateway = GatewaySizing.gateway(policy);
        String image = GatewayImage.of(policy, config).image();
        String logLevel = gateway != null && gateway.logLevel() != null ? gateway.logLevel().name() : "INFO";
        return new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(image)
                .addNewPort().withName(GatewayNames.HTTP_PORT_NAME).withContainerPort(GatewayNames.HTTP_PORT).withProtocol("TCP").endPort()
                .addNewPort().withName(GatewayNames.MANAGEMENT_PORT_NAME).withContainerPort(GatewayNames.MANAGEMENT_PORT).withProtocol("TCP").endPort()
                .addNewEnv().withName("QUARKUS_LOG_LEVEL").withValue(logLevel).endEnv()
                .withResources(resources(gateway == null ? null : gateway.resources()))
                .withLivenessProbe(probe("/q/health/live", 10, 3))
                .withReadinessProbe(probe("/q/health/ready", 5, 2))
                .withVolumeMounts(mounts)
                .withNewSecurityContext()
                .withRunAsNonRoot(true)
                .withReadOnlyRootFilesystem(true)
                .withAllowPrivilegeEscalation(false)
                .withNewCapabilities().withDrop("ALL").endCapabilities()
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .build();
    }

    private static Probe probe(String path, int periodSeconds, int failureThreshold) {
        return new ProbeBuilder()
                .withNewHttpGet().withPath(path).withPort(new IntOrString(GatewayNames.MANAGEMENT_PORT_NAME)).endHttpGet()
                .withPeriodSeconds(periodSeconds)
                .withFailureThreshold(failureThreshold)
                .withTimeoutSeconds(2)
                .build();
    }

    /**
     * Defaults give the HPA a CPU request to measure against and bound the JVM's memory. When the policy sets
     * resources they are taken as written: mixing in a default limit could fall below a requested amount.
     */
    static ResourceRequirements resources(RoutingPolicySpec.Resources resources) {
        if (resources == null) {
            return new ResourceRequirementsBuilder().withRequests(quantities(DEFAULT_REQUESTS)).withLimits(quantities(DEFAULT_LIMITS)).build();
        }
        return new ResourceRequirementsBuilder()
                .withRequests(resources.requests() == null ? null : quantities(resources.requests()))
                .withLimits(resources.limits() == null ? null : quantities(resources.limits()))
                .build();
    }

    private static Map<String, Quantity> quantities(Map<String, String> values) {
        Map<String, Quantity> quantities = new TreeMap<>();
        values.forEach((k, v) -> quantities.put(k, new Quantity(v)));
        return quantities;
    }

    private static List<Toleration> tolerations(List<RoutingPolicySpec.Toleration> tolerations) {
        return tolerations.stream().map(t -> new TolerationBuilder()
                .withKey(t.key())
                .withOperator(t.operator() == null ? null : t.operator().name())
                .withValue(t.value())
                .withEffect(t.effect() == null ? null : t.effect().name())
                .withTolerationSeconds(t.tolerationSeconds())
                .build()).toList();
    }

    private static RoutingPolicySpec.PodTemplate podTemplate(RoutingPolicy policy) {
        var gateway = GatewaySizing.gateway(policy);
        return gateway == null ? null : gateway.podTemplate();
    }
}
