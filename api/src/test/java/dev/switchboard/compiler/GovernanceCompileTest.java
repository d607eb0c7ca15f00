package dev.switchboard.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.switchboard.api.v1alpha1.SecretUse;
import dev.switchboard.routing.AccessRules;
import dev.switchboard.routing.SecretFile;

/** The admin key and the Redis counter store: Secret references become files, endpoints one canonical URL. */
class GovernanceCompileTest {

    private static Compilation compile(String access, String... secrets) {
        return Fixtures.input()
                .policy(Fixtures.policy("{access: " + access + "}"))
                .providers(Fixtures.simulated("sim"))
                .groups(Fixtures.simpleGroup("chat", "sim"))
                .secrets(Fixtures.secrets(secrets))
                .compile();
    }

    @Test
    void adminKeyAndRedisPasswordBecomeSecretFiles() {
        Compilation c = compile("{mode: Open, adminKeyRef: {name: admin, key: key}, redis: {endpoint: redis.infra.svc, "
                + "passwordRef: {name: redis-auth, key: password}, onUnavailable: FailClosed, timeout: 1s}}",
                "secret:admin", "key", "secret:redis-auth", "password");

        AccessRules access = c.table().access();
        assertThat(c.problems()).isEmpty();
        assertThat(access.adminKey()).isEqualTo(new SecretFile("admin", "key", "/etc/switchboard/secrets/admin/key"));
        assertThat(access.redis()).isEqualTo(new AccessRules.RedisStore("redis://redis.infra.svc:6379/0",
                new SecretFile("redis-auth", "password", "/etc/switchboard/secrets/redis-auth/password"), "FailClosed",
                "switchboard:" + Fixtures.NAMESPACE + ":gateway", 1000));
        assertThat(access.secretFiles()).extracting(SecretFile::secret).containsExactly("admin", "redis-auth");
    }

    @Test
    void redisDefaultsAreFailOpenAndAQuarterSecond() {
        AccessRules.RedisStore redis = compile("{mode: Open, redis: {endpoint: 'rediss://cache:6380/2', keyPrefix: team-a}}")
                .table().access().redis();

        assertThat(redis).isEqualTo(new AccessRules.RedisStore("rediss://cache:6380/2", null, "FailOpen", "team-a", 250));
    }

    @Test
    void aRedisCaCertificateIsASecretFileOfATlsEndpointOnly() {
        Compilation tls = compile("{mode: Open, redis: {endpoint: 'rediss://cache:6380', caCertRef: {name: redis-ca, key: ca.crt}}}",
                "secret:redis-ca", "ca.crt");
        SecretFile ca = new SecretFile("redis-ca", "ca.crt", "/etc/switchboard/secrets/redis-ca/ca.crt");
        assertThat(tls.problems()).isEmpty();
        assertThat(tls.table().access().redis().caCert()).isEqualTo(ca);
        assertThat(tls.table().access().secretFiles()).containsExactly(ca);

        Compilation plain = compile("{mode: Open, redis: {endpoint: 'cache:6379', caCertRef: {name: redis-ca, key: ca.crt}}}",
                "secret:redis-ca", "ca.crt");
        assertThat(plain.table().access().redis()).isNull();
        assertThat(plain.problems()).anySatisfy(p -> {
            assertThat(p.field()).isEqualTo("spec.access.redis.caCertRef");
            assertThat(p.reason()).isEqualTo(ProblemReason.UnsupportedCombination);
        });
    }

    @Test
    void aRedisCaCertificateMaySpanLinesButTheRedisPasswordMayNot() {
        String pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        Compilation withPem = compileRedis(pem, "one-line-password");
        assertThat(withPem.problems()).isEmpty();
        assertThat(withPem.table().access().redis().caCert()).isNotNull();

        Compilation withTwoLinePassword = compileRedis(pem, "first\nsecond");
        assertThat(withTwoLinePassword.problems()).extracting(Problem::field).containsExactly("spec.access.redis.passwordRef.key");
        assertThat(withTwoLinePassword.problems()).extracting(Problem::reason).containsExactly(ProblemReason.InvalidSecretValue);
    }

    private static Compilation compileRedis(String caCert, String password) {
        Map<String, String> optedIn = Map.of(SecretUse.LABEL, SecretUse.LABEL_VALUE);
        SecretIndex secrets = SecretIndex.builder()
                .secret("redis-ca", optedIn, Map.of(), Map.of("ca.crt", caCert))
                .secret("redis-auth", optedIn, Map.of(), Map.of("password", password))
                .build();
        return Fixtures.input()
                .policy(Fixtures.policy("{access: {mode: Open, redis: {endpoint: 'rediss://cache:6380', "
                        + "caCertRef: {name: redis-ca, key: ca.crt}, passwordRef: {name: redis-auth, key: password}}}}"))
                .providers(Fixtures.simulated("sim"))
                .groups(Fixtures.simpleGroup("chat", "sim"))
                .secrets(secrets)
                .compile();
    }

    @Test
    void forwardedClientHeadersAreOneSpellingAndNeverTheGatewaysOwn() {
        Compilation c = compile("{mode: Open, forwardHeaders: [Anthropic-Beta, anthropic-version, anthropic-beta, Authorization, x-api-key, "
                + "Content-Length, x-switchboard-provider]}");

        assertThat(c.table().access().forwardHeaders()).containsExactly("anthropic-beta", "anthropic-version");
        assertThat(c.problems()).extracting(Problem::field).containsExactly("spec.access.forwardHeaders[3]", "spec.access.forwardHeaders[4]",
                "spec.access.forwardHeaders[5]", "spec.access.forwardHeaders[6]");
        assertThat(c.problems()).extracting(Problem::reason).containsOnly(ProblemReason.InvalidValue);
        assertThat(compile("{mode: Open}").table().access().forwardHeaders()).isEmpty();
    }

    @Test
    void endpointsWithCredentialsAndMissingSecretsAreRefused() {
        Compilation withPassword = compile("{mode: Open, redis: {endpoint: 'redis://user:hunter2@cache:6379'}}");
        assertThat(withPassword.table().access().redis()).isNull();
        assertThat(withPassword.problems()).anySatisfy(p -> {
            assertThat(p.field()).isEqualTo("spec.access.redis.endpoint");
            assertThat(p.reason()).isEqualTo(ProblemReason.InvalidValue);
            assertThat(p.message()).doesNotContain("hunter2");
        });

        Compilation missing = compile("{mode: Open, adminKeyRef: {name: admin, key: key}, redis: {endpoint: cache, passwordRef: {name: nope, key: p}}}");
        assertThat(missing.table().access().adminKey()).isNull();
        assertThat(missing.table().access().redis()).isNull();
        assertThat(missing.problems()).extracting(Problem::reason).containsOnly(ProblemReason.MissingSecret);
    }

    @Test
    void hostPortAndUrlSpellingsGiveTheSameTable() {
        assertThat(compile("{mode: Open, redis: {endpoint: 'cache:6379'}}").hash())
                .isEqualTo(compile("{mode: Open, redis: {endpoint: 'redis://cache'}}").hash());
    }
}
