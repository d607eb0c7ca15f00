package dev.switchboard.gateway.upstream.azure;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import dev.switchboard.gateway.dialect.Wire;
import dev.switchboard.gateway.json.JsonLimits;
import dev.switchboard.gateway.upstream.OpenAiUpstream;
import dev.switchboard.gateway.upstream.Operation;
import dev.switchboard.gateway.upstream.UpstreamRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.RequestOptions;

/**
 * Azure OpenAI's addressing: `{endpoint}/openai/deployments/{deployment}/{operation}?api-version={apiVersion}` with
 * the key in an `api-key` header. The deployment is the target's upstream model, which the gateway has already
 * written into the body's `model`; Azure accepts (and ignores) `model` in the body, so the body stays as it is.
 * The Responses API has no deployment path: Azure serves it only on its v1 API, `{endpoint}/openai/v1/responses`,
 * which takes the deployment as the body's `model` and no api-version.
 */
final class AzureAddressing implements OpenAiUpstream.Addressing {

    @Override
    public String url(UpstreamRequest request) {
        if (request.operation() == Operation.RESPONSES) {
            return Wire.baseUrl(request.provider()) + "/openai/v1" + Operation.RESPONSES.path();
        }
        return Wire.baseUrl(request.provider()) + "/openai/deployments/" + encode(deployment(request.body()))
                + request.operation().path() + "?api-version=" + encode(request.provider().apiVersion());
    }

    @Override
    public void authorize(RequestOptions options, String apiKey) {
        options.putHeader("api-key", apiKey);
    }

    /** Path segment and query value encoding (a space is %20 in a path, not +). */
    static String encode(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The top-level `model` of the body, read without building a tree (the body can be megabytes of images). */
    static String deployment(Buffer body) {
        try (JsonParser parser = JsonLimits.parser(JsonLimits.FACTORY, body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return "";
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("model".equals(field) && value == JsonToken.VALUE_STRING) {
                    return parser.getText();
                }
                parser.skipChildren();
            }
        } catch (IOException e) {
            // The gateway parsed this body already; an unreadable one cannot get here.
        }
        return "";
    }
}
