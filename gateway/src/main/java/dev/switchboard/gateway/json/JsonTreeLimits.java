package dev.switchboard.gateway.json;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * Applies {@link JsonLimits} to Quarkus' ObjectMapper, which Vert.x's {@code JsonObject} and {@code JsonArray} parse
 * with inside the gateway: upstream answers the adapters translate, and the few documents read as trees.
 */
@Singleton
public class JsonTreeLimits implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.getFactory().setStreamReadConstraints(JsonLimits.CONSTRAINTS);
    }
}
