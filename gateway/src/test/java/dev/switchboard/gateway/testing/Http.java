package dev.switchboard.gateway.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.vertx.core.json.JsonObject;

/** Plain HTTP calls for what an SDK would refuse to send (bad JSON, wrong methods, oversize bodies). */
public final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Http() {
    }

    public static HttpResponse<String> send(String method, URI uri, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("content-type", "application/json");
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        try {
            return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static HttpResponse<String> post(URI uri, String body, String... headers) {
        return send("POST", uri, body, headers);
    }

    public static HttpResponse<String> get(URI uri) {
        return send("GET", uri, null);
    }

    /** The "error" object of an OpenAI error envelope; fails when the body is not one. */
    public static JsonObject error(HttpResponse<String> response) {
        JsonObject error = new JsonObject(response.body()).getJsonObject("error");
        if (error == null || !error.containsKey("message") || !error.containsKey("type") || !error.containsKey("param")
                || !error.containsKey("code")) {
            throw new AssertionError("not an OpenAI error envelope: " + response.body());
        }
        return error;
    }
}
