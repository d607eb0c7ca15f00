package dev.switchboard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/** Reads YAML documents as trees, and YAML text as typed resources. */
public final class Yaml {

    public static final ObjectMapper MAPPER = new YAMLMapper();

    private Yaml() {
    }

    public static List<JsonNode> documents(Path file) {
        try {
            return documents(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<JsonNode> documents(String text) {
        List<JsonNode> documents = new ArrayList<>();
        try (var parser = MAPPER.getFactory().createParser(text)) {
            var values = MAPPER.readValues(parser, JsonNode.class);
            while (values.hasNextValue()) {
                JsonNode document = values.nextValue();
                if (document != null && !document.isNull() && !document.isMissingNode()) {
                    documents.add(document);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return documents;
    }

    public static JsonNode tree(String text) {
        List<JsonNode> documents = documents(text);
        if (documents.size() != 1) {
            throw new IllegalArgumentException("expected one YAML document, got " + documents.size());
        }
        return documents.get(0);
    }

    public static <T> T read(String text, Class<T> type) {
        try {
            return MAPPER.readValue(text, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
