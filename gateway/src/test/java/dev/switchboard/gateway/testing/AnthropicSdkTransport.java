package dev.switchboard.gateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.anthropic.backends.AnthropicBackend;
import com.anthropic.client.AnthropicClient;
import com.anthropic.client.AnthropicClientImpl;
import com.anthropic.core.ClientOptions;
import com.anthropic.core.RequestOptions;
import com.anthropic.core.http.Headers;
import com.anthropic.core.http.HttpRequest;
import com.anthropic.core.http.HttpResponse;

/**
 * The HTTP transport under the official Anthropic Java SDK in tests. The SDK's own OkHttp transport module does
 * not resolve from our registry, so its core (request building, auth via {@link AnthropicBackend}, JSON and SSE
 * parsing, error mapping) runs on java.net.http instead, the way the OkHttp module plugs into it.
 */
public final class AnthropicSdkTransport implements com.anthropic.core.http.HttpClient {

    /** Headers java.net.http sets itself (or refuses); the content type comes from the body. */
    private static final java.util.Set<String> RESTRICTED = java.util.Set.of("connection", "content-length", "expect", "host",
            "upgrade", "content-type");

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final AnthropicBackend backend;

    private AnthropicSdkTransport(AnthropicBackend backend) {
        this.backend = backend;
    }

    /** An SDK client for the API at baseUrl (e.g. the gateway's root), authenticating with x-api-key. */
    public static AnthropicClient client(String baseUrl, String apiKey) {
        AnthropicBackend backend = AnthropicBackend.builder().apiKey(apiKey).baseUrl(baseUrl).build();
        return new AnthropicClientImpl(ClientOptions.builder().httpClient(new AnthropicSdkTransport(backend))
                .baseUrl(baseUrl).maxRetries(0).timeout(Duration.ofSeconds(30)).build());
    }

    @Override
    public HttpResponse execute(HttpRequest request, RequestOptions options) {
        HttpRequest prepared = backend.authorizeRequest(backend.prepareRequest(request));
        java.net.http.HttpRequest.Builder builder = java.net.http.HttpRequest.newBuilder(uri(prepared)).timeout(Duration.ofSeconds(30));
        for (String name : prepared.headers().names()) {
            if (RESTRICTED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                continue;
            }
            for (String value : prepared.headers().values(name)) {
                builder.header(name, value);
            }
        }
        if (prepared.body() != null) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            prepared.body().writeTo(bytes);
            builder.header("content-type", prepared.body().contentType());
            builder.method(prepared.method().name(), BodyPublishers.ofByteArray(bytes.toByteArray()));
        } else {
            builder.method(prepared.method().name(), BodyPublishers.noBody());
        }
        java.net.http.HttpResponse<InputStream> response;
        try {
            response = client.send(builder.build(), BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return backend.prepareResponse(new Response(response));
    }

    @Override
    public CompletableFuture<HttpResponse> executeAsync(HttpRequest request, RequestOptions options) {
        return CompletableFuture.supplyAsync(() -> execute(request, options));
    }

    @Override
    public void close() {
        backend.close();
    }

    private static URI uri(HttpRequest request) {
        StringBuilder url = new StringBuilder(request.baseUrl().replaceAll("/+$", ""));
        for (String segment : request.pathSegments()) {
            url.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8));
        }
        String separator = "?";
        for (String key : request.queryParams().keys()) {
            for (String value : request.queryParams().values(key)) {
                url.append(separator).append(URLEncoder.encode(key, StandardCharsets.UTF_8)).append('=')
                        .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
                separator = "&";
            }
        }
        return URI.create(url.toString());
    }

    private record Response(java.net.http.HttpResponse<InputStream> response) implements HttpResponse {
        @Override
        public int statusCode() {
            return response.statusCode();
        }

        @Override
        public Headers headers() {
            Headers.Builder headers = Headers.builder();
            for (Map.Entry<String, List<String>> header : response.headers().map().entrySet()) {
                headers.put(header.getKey(), header.getValue());
            }
            return headers.build();
        }

        @Override
        public InputStream body() {
            return response.body();
        }

        @Override
        public void close() {
            try {
                response.body().close();
            } catch (IOException e) {
                // Closing a finished body cannot lose anything.
            }
        }
    }
}
