package dev.switchboard.gateway.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Local mode (CR YAML compiled by the shared compiler, as `switchboard run -f` does) with two token issuers on
 * loopback JWK set servers, next to a client key in the same policy:
 * <ul>
 * <li>{@code corp}: RSA keys found by OIDC discovery; client {@code team-a} is every ServiceAccount of namespace team-a
 * (model gpt-4o), client {@code ml} every token whose groups contain ml-platform (model gpt-4o-mini, priority 1, so a
 * team-a ServiceAccount in that group is team-a).</li>
 * <li>{@code ci}: ES256 only, JWK set named explicitly; client {@code pipelines} is a repository of acme on its main
 * branch, matched by a nested claim (model chat-b).</li>
 * <li>{@code keyed}: a client key, every model.</li>
 * </ul>
 * The JWK sets are refetched only when a token names an unknown kid (at most every 200 ms), so tests see what that
 * path does.
 */
public class IdentityTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String AUDIENCE = "switchboard-test";
    public static final String CLIENT_KEY = "sk-keyed-client-0013";

    private static volatile OpenAiSimulator simulator;
    private static volatile JwksServer corp;
    private static volatile JwksServer ci;
    private static volatile RsaJsonWebKey corpKey;
    private static volatile EllipticCurveJsonWebKey ciKey;
    private static volatile Path sourceDir;

    public static JwksServer corp() {
        return corp;
    }

    public static JwksServer ci() {
        return ci;
    }

    public static RsaJsonWebKey corpKey() {
        return corpKey;
    }

    public static EllipticCurveJsonWebKey ciKey() {
        return ciKey;
    }

    @Override
    public Map<String, String> start() {
        try {
            simulator = OpenAiSimulator.start(0);
            corp = JwksServer.start("corp");
            ci = JwksServer.start("ci");
            corpKey = Tokens.rsa("corp-1");
            ciKey = Tokens.ec("ci-1");
            corp.publish(corpKey);
            ci.publish(ciKey);
            sourceDir = Files.createTempDirectory("switchboard-identity-src");
            Files.writeString(sourceDir.resolve("identity.yaml"), """
                    apiVersion: switchboard.dev/v1alpha1
                    kind: Provider
                    metadata:
                      name: upstream
                    spec:
                      type: OpenAICompatible
                      endpoint: %s
                      credentials:
                        secretRef: {name: upstream-keys}
                    ---
                    apiVersion: v1
                    kind: Secret
                    metadata:
                      name: upstream-keys
                      labels: {switchboard.dev/usable: "true"}
                    stringData:
                      only: sk-upstream
                    ---
                    apiVersion: v1
                    kind: Secret
                    metadata:
                      name: client-keys
                      labels: {switchboard.dev/usable: "true"}
                    stringData:
                      keyed: %s
                    ---
                    apiVersion: switchboard.dev/v1alpha1
                    kind: ModelGroup
                    metadata:
                      name: gpt-4o
                    spec:
                      model: gpt-4o
                      targets:
                      - {provider: upstream, model: upstream-gpt-4o}
                    ---
                    apiVersion: switchboard.dev/v1alpha1
                    kind: ModelGroup
                    metadata:
                      name: gpt-4o-mini
                    spec:
                      model: gpt-4o-mini
                      targets:
                      - {provider: upstream, model: upstream-mini}
                    ---
                    apiVersion: switchboard.dev/v1alpha1
                    kind: ModelGroup
                    metadata:
                      name: chat-b
                    spec:
                      model: chat-b
                      targets:
                      - {provider: upstream, model: upstream-b}
                    ---
                    apiVersion: switchboard.dev/v1alpha1
                    kind: RoutingPolicy
                    metadata:
                      name: identity
                    spec:
                      access:
                        issuers:
                        - name: corp
                          issuer: %s
                          audiences: [%s]
                        - name: ci
                          issuer: %s
                          jwksUri: %s
                          audiences: [ci-gateway, %s]
                          algorithms: [ES256]
                          clockSkew: 10s
                        clients:
                        - name: keyed
                          keyRef: {name: client-keys, key: keyed}
                        - name: team-a
                          token: {issuer: corp, subject: "system:serviceaccount:team-a:*"}
                          models: [gpt-4o]
                          limits: {requestsPerMinute: 100000}
                        - name: ml
                          token:
                            issuer: corp
                            claims: [{claim: groups, contains: ml-platform}]
                            priority: 1
                          models: [gpt-4o-mini]
                        - name: pipelines
                          token:
                            issuer: ci
                            subject: "repo:acme/*"
                            claims: [{claim: /ci/ref, matches: refs/heads/main}]
                          models: [chat-b]
                    """.formatted(simulator.baseUrl(), CLIENT_KEY, corp.issuer(), AUDIENCE, ci.issuer(), ci.jwksUri(), AUDIENCE));
            return Map.of("switchboard.local.dir", sourceDir.toString(), "switchboard.reload.poll-interval-ms", "200",
                    "switchboard.identity.jwks-refresh-interval", "10m", "switchboard.identity.jwks-min-refresh-interval", "200ms");
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the identity test resources", e);
        }
    }

    @Override
    public void stop() {
        try {
            simulator.close();
            corp.close();
            ci.close();
            TempDirs.delete(sourceDir);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
