package dev.switchboard.operator.olm;

import io.quarkiverse.operatorsdk.annotations.CSVMetadata;
import io.quarkiverse.operatorsdk.annotations.CSVMetadata.Annotations;
import io.quarkiverse.operatorsdk.annotations.CSVMetadata.Annotations.Annotation;
import io.quarkiverse.operatorsdk.annotations.CSVMetadata.Icon;
import io.quarkiverse.operatorsdk.annotations.CSVMetadata.InstallMode;
import io.quarkiverse.operatorsdk.annotations.CSVMetadata.Link;
import io.quarkiverse.operatorsdk.annotations.CSVMetadata.Maintainer;
import io.quarkiverse.operatorsdk.annotations.CSVMetadata.Provider;
import io.quarkiverse.operatorsdk.annotations.SharedCSVMetadata;

/**
 * The catalog metadata of the OLM bundle that quarkus-operator-sdk's bundle generator writes to
 * target/bundle/switchboard-operator at build time (olm-bundle/ is the committed copy). All three reconcilers
 * belong to this bundle because its name is the application's name. Build-time only: nothing reads this class
 * at runtime. The rest of the CSV comes from application.properties (alm-examples, version, channel) and
 * src/main/kubernetes/kubernetes.yml (RBAC and Deployment, a copy of manifests/install).
 */
@CSVMetadata(bundleName = "switchboard-operator",
        displayName = "Switchboard",
        description = """
                Switchboard turns three custom resources into a running, horizontally scaled LLM gateway that gives
                every workload in the cluster one OpenAI-compatible endpoint in front of many LLM providers.

                * **Provider**: one upstream API account (OpenAI, Azure OpenAI, Anthropic, Gemini, Ollama, any
                  OpenAI-compatible server), its keys from a Secret, limits and timeouts, optional model discovery.
                * **ModelGroup**: one public model name and the targets that serve it, with weights, priorities,
                  fallbacks and deprecation notices.
                * **RoutingPolicy**: one gateway Deployment with its Service, autoscaler and disruption budget, and
                  the retries, circuit breakers, deadlines and client access it applies.

                Routing changes are hot-reloaded by the gateway without a restart. Status conditions (Accepted,
                ResolvedRefs, Programmed, Ready) say whether every ready gateway replica serves the current table.
                Secrets stay in Secrets; gateway pods run non-root with a read-only root filesystem.
                """,
        keywords = { "llm", "ai gateway", "openai", "anthropic", "routing", "failover", "rate limiting" },
        maturity = "alpha",
        minKubeVersion = "1.25.0",
        provider = @Provider(name = "Switchboard"),
        maintainers = @Maintainer(name = "Switchboard maintainers", email = "maintainers@switchboard.dev"),
        links = @Link(name = "Install documentation", url = "https://git.example.com/platform/switchboard/blob/main/docs/install.md"),
        icon = @Icon(fileName = "switchboard-operator.svg"),
        // The OperatorGroup decides what is watched: the generator sets every controller's namespaces from
        // olm.targetNamespaces, which is empty (all namespaces) for AllNamespaces.
        installModes = {
                @InstallMode(type = "OwnNamespace"),
                @InstallMode(type = "SingleNamespace"),
                @InstallMode(type = "MultiNamespace"),
                @InstallMode(type = "AllNamespaces")
        },
        annotations = @Annotations(
                containerImage = "switchboard/operator:0.1.0",
                repository = "https://git.example.com/platform/switchboard",
                capabilities = "Basic Install",
                categories = "AI/Machine Learning, Networking",
                others = {
                        @Annotation(name = "description",
                                value = "Kubernetes-native LLM gateway: one OpenAI-compatible endpoint in front of many LLM providers."),
                        @Annotation(name = "operatorframework.io/suggested-namespace", value = "switchboard-system")
                }))
public class SwitchboardBundle implements SharedCSVMetadata {
}
