package dev.switchboard.gateway.access.identity;

import static dev.switchboard.gateway.testing.IdentityTestResource.AUDIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.stream.Stream;

import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.anthropic.client.AnthropicClient;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.PermissionDeniedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;

import dev.switchboard.gateway.testing.AnthropicSdkTransport;
import dev.switchboard.gateway.testing.Http;
import dev.switchboard.gateway.testing.IdentityTestResource;
import dev.switchboard.gateway.testing.JwksServer;
import dev.switchboard.gateway.testing.TestClock;
import dev.switchboard.gateway.testing.Tokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * JWTs as client identity, through the whole local-mode path (CR YAML, compiler, table, gateway) against two issuers
 * whose JWK sets are real HTTP servers on 127.0.0.1 with keys generated here: which client a token maps to, every
 * refusal and its reason, key rotation, an issuer that is down, the cache of verified tokens, and the official SDKs
 * sending a token where they send a key. Nothing a caller sent as a credential may show up in a log or an answer.
 */
@QuarkusTest
@QuarkusTestResource(value = IdentityTestResource.class, restrictToAnnotatedClass = true)
class TokenIdentityTest {

    private static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final List<String> SEEN = new CopyOnWriteArrayList<>();
    private static final List<String> PRESENTED = new CopyOnWriteArrayList<>();
    private static final Handler LOG_CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            SEEN.add(record.getLoggerName() + " " + record.getMessage() + " " + java.util.Arrays.toString(record.getParameters())
                    + (record.getThrown() == null ? "" : " " + record.getThrown()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @TestHTTPResource("/")
    URL root;

    /** Metrics are served on the management port. */
    @TestHTTPResource(value = "/", management = true)
    URL management;

    @BeforeAll
    static void captureLogs() {
        Logger.getLogger("").addHandler(LOG_CAPTURE);
    }

    @AfterAll
    static void noCredentialLeaked() {
        Logger.getLogger("").removeHandler(LOG_CAPTURE);
        // Signatures are what make a token usable; none may appear anywhere the gateway wrote.
        for (String token : PRESENTED) {
            String signature = token.substring(token.lastIndexOf('.') + 1);
            assertThat(SEEN).noneMatch(line -> line.contains(token) || (signature.length() > 10 && line.contains(signature)));
        }
    }

    @AfterEach
    void realTime() {
        TestClock.reset();
    }

    private URI uri(String path) {
        return URI.create(root.toString()).resolve(path);
    }

    private HttpResponse<String> chat(String credential, String model) {
        PRESENTED.add(credential);
        return seen(Http.post(uri("/v1/chat/completions"), CHAT.formatted(model), "authorization", "Bearer " + credential));
    }

    private List<String> models(String header, String credential) {
        PRESENTED.add(credential);
        HttpResponse<String> response = seen(Http.send("GET", uri("/v1/models"), null, header,
                header.equals("authorization") ? "Bearer " + credential : credential));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonArray data = new JsonObject(response.body()).getJsonArray("data");
        List<String> ids = new ArrayList<>();
        data.forEach(m -> ids.add(((JsonObject) m).getString("id")));
        return ids;
    }

    private static HttpResponse<String> seen(HttpResponse<String> response) {
        SEEN.add(response.headers().map() + " " + response.body());
        return response;
    }

    private String metrics() {
        return seen(Http.get(URI.create(management.toString()).resolve("/q/metrics"))).body();
    }

    private double counter(String issuer, String outcome) {
        Matcher m = java.util.regex.Pattern.compile("switchboard_token_authentications_total\\{issuer=\"" + issuer + "\",outcome=\"" + outcome
                + "\"} ([0-9.E]+)").matcher(metrics());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static String corpToken(JwtClaims claims) {
        return Tokens.sign(claims, IdentityTestResource.corpKey());
    }

    private static JwtClaims corpClaims(String namespace, String serviceAccount) {
        return Tokens.serviceAccount(IdentityTestResource.corp().issuer(), namespace, serviceAccount, AUDIENCE);
    }

    private static JwtClaims ciClaims(String repository, String ref) {
        JwtClaims claims = Tokens.claims(IdentityTestResource.ci().issuer(), "repo:" + repository, "ci-gateway");
        claims.setClaim("ci", Map.of("ref", ref, "run", 42));
        return claims;
    }

    @Test
    void tokensOfTwoIssuersMapToTheirClientsNextToKeys() {
        String teamA = corpToken(corpClaims("team-a", "trainer"));
        JwtClaims mlClaims = Tokens.claims(IdentityTestResource.corp().issuer(), "alice@example.com", AUDIENCE);
        mlClaims.setStringListClaim("groups", "staff", "ml-platform");
        String ml = corpToken(mlClaims);
        String pipelines = Tokens.sign(ciClaims("acme/models", "refs/heads/main"), IdentityTestResource.ciKey());

        // /v1/models lists exactly what the matched client may use: the client is told apart by what it sees.
        assertThat(models("authorization", teamA)).containsExactly("gpt-4o");
        assertThat(models("authorization", ml)).containsExactly("gpt-4o-mini");
        assertThat(models("authorization", pipelines)).containsExactly("chat-b");
        // Anthropic SDKs send the credential as x-api-key; a token works there as well.
        assertThat(models("x-api-key", pipelines)).containsExactly("chat-b");
        // A client key keeps working in the same policy.
        assertThat(models("authorization", IdentityTestResource.CLIENT_KEY)).containsExactlyInAnyOrder("chat-b", "gpt-4o", "gpt-4o-mini");

        HttpResponse<String> allowed = chat(teamA, "gpt-4o");
        assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
        // The matched client's limits apply as to a key client: team-a has a request limit.
        assertThat(allowed.headers().firstValue("x-ratelimit-limit-requests")).contains("100000");
        HttpResponse<String> outside = chat(teamA, "chat-b");
        assertThat(outside.statusCode()).isEqualTo(403);
        assertThat(Http.error(outside).getString("code")).isEqualTo("model_not_allowed");
        assertThat(chat(pipelines, "chat-b").statusCode()).isEqualTo(200);
    }

    /** A ServiceAccount of team-a in the ml-platform group matches both; team-a's lower priority wins, every time. */
    @Test
    void priorityDecidesBetweenOverlappingClients() {
        JwtClaims both = corpClaims("team-a", "notebook");
        both.setStringListClaim("groups", "ml-platform");
        assertThat(models("authorization", corpToken(both))).containsExactly("gpt-4o");
    }

    @Test
    void aValidTokenNoClientAcceptsIsForbidden() {
        JwtClaims otherBranch = ciClaims("acme/models", "refs/heads/feature");
        HttpResponse<String> response = chat(Tokens.sign(otherBranch, IdentityTestResource.ciKey()), "chat-b");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(Http.error(response).getString("code")).isEqualTo("token_not_mapped");
        assertThat(Http.error(response).getString("message")).contains("issuer ci is valid");
    }

    static Stream<Arguments> refusals() {
        long now = Instant.now().getEpochSecond();
        String corp = IdentityTestResource.corp().issuer();
        RsaJsonWebKey attacker = Tokens.rsa("corp-1");
        JwtClaims expired = Tokens.serviceAccount(corp, "team-a", "job", AUDIENCE);
        expired.setIssuedAt(NumericDate.fromSeconds(now - 3600));
        expired.setNotBefore(NumericDate.fromSeconds(now - 3600));
        // Expired two minutes ago: beyond corp's default 30 s of clock skew.
        expired.setExpirationTime(NumericDate.fromSeconds(now - 120));
        JwtClaims early = Tokens.serviceAccount(corp, "team-a", "job", AUDIENCE);
        early.setNotBefore(NumericDate.fromSeconds(now + 300));
        JwtClaims noExpiry = Tokens.serviceAccount(corp, "team-a", "job", AUDIENCE);
        noExpiry.unsetClaim("exp");
        JwtClaims ciWithRsa = Tokens.claims(IdentityTestResource.ci().issuer(), "repo:acme/models", "ci-gateway");
        return Stream.of(
                Arguments.of("expired", corpToken(expired), "corp", "token_expired", "expired at"),
                Arguments.of("not yet valid", corpToken(early), "corp", "token_not_yet_valid", "not valid before"),
                Arguments.of("wrong audience", corpToken(Tokens.serviceAccount(corp, "team-a", "job", "https://kubernetes.default.svc")), "corp",
                        "token_audience_mismatch", "accepted here for " + AUDIENCE),
                Arguments.of("wrong issuer", Tokens.sign(Tokens.serviceAccount("https://evil.example.com", "team-a", "job", AUDIENCE),
                        IdentityTestResource.corpKey()), "unknown", "token_issuer_unknown", "not one this gateway trusts"),
                Arguments.of("bad signature", Tokens.sign(corpClaims("team-a", "job"), attacker), "corp", "token_signature_invalid",
                        "does not verify"),
                Arguments.of("alg none", Tokens.unsigned(corpClaims("team-a", "job")), "corp", "token_algorithm_refused", "alg none"),
                Arguments.of("HS256 keyed with the public key", Tokens.hmacWithPublicKey(corpClaims("team-a", "job"), IdentityTestResource.corpKey()),
                        "corp", "token_algorithm_refused", "shared secret"),
                Arguments.of("algorithm the issuer does not accept", Tokens.sign(ciWithRsa, attacker, AlgorithmIdentifiers.RSA_USING_SHA256, "ci-1"),
                        "ci", "token_algorithm_refused", "accepted: ES256"),
                Arguments.of("no expiry", corpToken(noExpiry), "corp", "token_malformed", "no expiry"),
                Arguments.of("unknown kid", Tokens.sign(corpClaims("team-a", "job"), attacker, AlgorithmIdentifiers.RSA_USING_SHA256, "corp-99"),
                        "corp", "token_key_unknown", "does not publish"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusedTokensNameTheirReason(String name, String token, String issuer, String code, String says) {
        double before = counter(issuer, code);

        HttpResponse<String> response = chat(token, "gpt-4o");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        JsonObject error = Http.error(response);
        assertThat(error.getString("code")).isEqualTo(code);
        assertThat(error.getString("type")).isEqualTo("invalid_request_error");
        assertThat(error.getString("message")).contains(says);
        assertThat(response.headers().firstValue("www-authenticate")).contains("Bearer error=\"invalid_token\", error_description=\"" + code + "\"");
        assertThat(response.body()).doesNotContain(token.substring(token.indexOf('.') + 1, token.lastIndexOf('.')));
        assertThat(counter(issuer, code)).isEqualTo(before + 1);
    }

    @Test
    void anthropicEnvelopeCarriesTheReason() {
        JwtClaims expired = corpClaims("team-a", "job");
        expired.setExpirationTime(NumericDate.fromSeconds(Instant.now().getEpochSecond() - 600));
        String token = corpToken(expired);
        PRESENTED.add(token);

        HttpResponse<String> response = seen(Http.post(uri("/v1/messages"),
                "{\"model\":\"gpt-4o\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "x-api-key", token,
                "anthropic-version", "2023-06-01"));

        assertThat(response.statusCode()).isEqualTo(401);
        JsonObject body = new JsonObject(response.body());
        assertThat(body.getString("type")).isEqualTo("error");
        assertThat(body.getJsonObject("error").getString("type")).isEqualTo("authentication_error");
        assertThat(body.getJsonObject("error").getString("message")).contains("expired at");
    }

    /**
     * Rotation as an issuer does it: a new key appears beside the old one and is used at once, then the old one goes.
     * Tokens of the new key are accepted from the first one on (its unknown kid fetches the set again), a burst of them
     * shares one rate-limited fetch, and no request fails; once the old key is gone, its tokens are refused.
     */
    @Test
    void keyRotationIsPickedUpWithoutAFailedRequest() throws Exception {
        JwksServer corp = IdentityTestResource.corp();
        RsaJsonWebKey old = IdentityTestResource.corpKey();
        RsaJsonWebKey next = Tokens.rsa("corp-2");
        assertThat(chat(corpToken(corpClaims("team-a", "before")), "gpt-4o").statusCode()).isEqualTo(200);

        corp.publish(old, next);
        int fetchesBefore = corp.keyFetches();
        List<Integer> statuses = parallel(20, i -> chat(Tokens.sign(corpClaims("team-a", "new-" + i), next), "gpt-4o").statusCode());
        assertThat(statuses).containsOnly(200);
        assertThat(corp.keyFetches() - fetchesBefore).as("one shared fetch for the burst").isBetween(1, 2);
        assertThat(chat(corpToken(corpClaims("team-a", "old-still-published")), "gpt-4o").statusCode()).isEqualTo(200);

        corp.publish(next);
        // Tokens of the new key go on being accepted across the old key's removal.
        for (int i = 0; i < 5; i++) {
            assertThat(chat(Tokens.sign(corpClaims("team-a", "after-" + i), next), "gpt-4o").statusCode()).isEqualTo(200);
        }
        // The removal is seen at the next fetch (here caused by a kid nobody publishes); then old tokens are refused.
        chat(Tokens.sign(corpClaims("team-a", "probe"), next, AlgorithmIdentifiers.RSA_USING_SHA256, "corp-unpublished"), "gpt-4o");
        HttpResponse<String> retired = eventually(() -> chat(corpToken(corpClaims("team-a", "retired")), "gpt-4o"), r -> r.statusCode() == 401);
        assertThat(Http.error(retired).getString("code")).isEqualTo("token_key_unknown");
        corp.publish(old, next);
    }

    /** An issuer whose key server is down: the keys held keep verifying its tokens, and the failed fetch is counted. */
    @Test
    void anIssuerThatIsDownKeepsItsCachedKeysServing() throws Exception {
        JwksServer ci = IdentityTestResource.ci();
        assertThat(chat(Tokens.sign(ciClaims("acme/models", "refs/heads/main"), IdentityTestResource.ciKey()), "chat-b").statusCode()).isEqualTo(200);
        ci.down();
        try {
            // A kid nobody knows makes the gateway fetch; the fetch fails, and the token is refused for its key.
            HttpResponse<String> unknown = chat(Tokens.sign(ciClaims("acme/models", "refs/heads/main"), Tokens.ec("ci-new")), "chat-b");
            assertThat(Http.error(unknown).getString("code")).isEqualTo("token_key_unknown");
            eventually(this::metrics, m -> m.contains("switchboard_jwks_fetches_total{issuer=\"ci\",outcome=\"failed\"}"));
            for (int i = 0; i < 5; i++) {
                // Fresh tokens, so none is answered from the cache of verified tokens.
                HttpResponse<String> response = chat(Tokens.sign(ciClaims("acme/tools-" + i, "refs/heads/main"), IdentityTestResource.ciKey()), "chat-b");
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            }
            assertThat(metrics()).contains("switchboard_jwks_keys{issuer=\"ci\"} 1.0");
        } finally {
            ci.up();
        }
    }

    @Test
    void verifiedTokensAreCachedUntilTheyExpire() {
        String token = corpToken(corpClaims("team-a", "cached"));
        double verified = counter("corp", "verified");
        double cached = counter("corp", "cached");

        assertThat(chat(token, "gpt-4o").statusCode()).isEqualTo(200);
        assertThat(chat(token, "gpt-4o").statusCode()).isEqualTo(200);
        assertThat(counter("corp", "verified")).isEqualTo(verified + 1);
        assertThat(counter("corp", "cached")).isEqualTo(cached + 1);

        // The cache never outlives the token: eleven minutes on, the same token is expired.
        TestClock.set(Instant.now().plus(Duration.ofMinutes(11)));
        HttpResponse<String> late = chat(token, "gpt-4o");
        assertThat(late.statusCode()).isEqualTo(401);
        assertThat(Http.error(late).getString("code")).isEqualTo("token_expired");
    }

    @Test
    void openAiSdkAuthenticatesWithATokenInPlaceOfAKey() {
        String token = corpToken(corpClaims("team-a", "sdk"));
        PRESENTED.add(token);
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(uri("/v1").toString()).apiKey(token).maxRetries(0).build();
        try {
            ChatCompletion completion = client.chat().completions().create(
                    ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("hello token").build());
            assertThat(completion.choices().get(0).message().content()).contains("echo: hello token");
            assertThat(client.models().list().data()).extracting(Model::id).containsExactly("gpt-4o");
            assertThatThrownBy(() -> client.chat().completions().create(
                    ChatCompletionCreateParams.builder().model("chat-b").addUserMessage("not mine").build()))
                    .isInstanceOf(PermissionDeniedException.class).hasMessageContaining("may not use the model `chat-b`");
        } finally {
            client.close();
        }
    }

    @Test
    void anthropicSdkAuthenticatesWithATokenInPlaceOfAKey() {
        String token = Tokens.sign(ciClaims("acme/agents", "refs/heads/main"), IdentityTestResource.ciKey());
        PRESENTED.add(token);
        AnthropicClient client = AnthropicSdkTransport.client(root.toString(), token);
        try {
            Message message = client.messages().create(MessageCreateParams.builder().model("chat-b").maxTokens(100)
                    .addUserMessage("hello from ci").build());
            assertThat(message.content().get(0).asText().text()).isEqualTo("echo: hello from ci");
        } finally {
            client.close();
        }
        JwtClaims expired = ciClaims("acme/agents", "refs/heads/main");
        expired.setExpirationTime(NumericDate.fromSeconds(Instant.now().getEpochSecond() - 60));
        String stale = Tokens.sign(expired, IdentityTestResource.ciKey());
        PRESENTED.add(stale);
        AnthropicClient staleClient = AnthropicSdkTransport.client(root.toString(), stale);
        try {
            assertThatThrownBy(() -> staleClient.messages().create(MessageCreateParams.builder().model("chat-b").maxTokens(100)
                    .addUserMessage("too late").build()))
                    .isInstanceOf(UnauthorizedException.class).hasMessageContaining("expired at");
        } finally {
            staleClient.close();
        }
    }

    private static <T> T eventually(java.util.function.Supplier<T> probe, java.util.function.Predicate<T> done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        T value = probe.get();
        while (!done.test(value) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            value = probe.get();
        }
        assertThat(done.test(value)).as("condition reached; last value: %s", value).isTrue();
        return value;
    }

    private static <T> List<T> parallel(int n, java.util.function.IntFunction<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> task.apply(index)));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
