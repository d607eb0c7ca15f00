package dev.switchboard.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import dev.switchboard.gateway.dialect.FrameDecoder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Golden files of the dialect translations, in the style of the operator's: src/test/resources/golden/DIRECTION/in-NAME.json
 * must translate to exactly out-NAME.json. Streams are recorded event sequences: a JSON array of
 * {@code {"event": name, "data": ...}} objects ({@code event} left out for unnamed events, {@code data} kept as text
 * when it is not JSON, like OpenAI's {@code [DONE]}).
 * <p>
 * After an intended change, regenerate the expected files and review the diff:
 * {@code ./mvnw -pl gateway test -Dtest='*GoldenTest' -Dswitchboard.golden.update=true}
 */
public final class GoldenFiles {

    private static final Path ROOT = Path.of("src/test/resources/golden");

    private GoldenFiles() {
    }

    /** The case names of a direction: NAME for each in-NAME.json. */
    public static Stream<String> cases(String direction) {
        try (var files = Files.list(ROOT.resolve(direction))) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.startsWith("in-") && n.endsWith(".json"))
                    .map(n -> n.substring(3, n.length() - 5))
                    .sorted()
                    .toList()
                    .stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String input(String direction, String name) {
        return read(ROOT.resolve(direction).resolve("in-" + name + ".json"));
    }

    /** Compares the translation with out-NAME.json (rewriting it first when asked to). */
    public static void assertMatches(String direction, String name, String actual) {
        Path expected = ROOT.resolve(direction).resolve("out-" + name + ".json");
        if (Boolean.getBoolean("switchboard.golden.update")) {
            try {
                Files.writeString(expected, actual);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        assertThat(actual).as("%s/out-%s.json", direction, name).isEqualTo(read(expected));
    }

    /** An error case's upstream body ({@code body}: a JSON object, or text when the upstream sent no JSON). */
    public static Buffer errorBody(JsonObject errorCase) {
        return errorCase.getValue("body") instanceof JsonObject json ? json.toBuffer() : Buffer.buffer(errorCase.getString("body"));
    }

    /** A JSON document as the golden files hold it. */
    public static String render(JsonObject json) {
        return json.encodePrettily() + "\n";
    }

    /** A server-sent-event stream as its recorded event sequence. */
    public static String renderEvents(Buffer sse) {
        JsonArray events = new JsonArray();
        FrameDecoder decoder = FrameDecoder.sseData((name, data) -> {
            JsonObject event = new JsonObject();
            if (name != null) {
                event.put("event", name);
            }
            events.add(event.put("data", parsed(data)));
        });
        decoder.feed(sse);
        decoder.finish();
        return events.encodePrettily() + "\n";
    }

    /** The events of a recorded sequence, as the upstream sent them over SSE. */
    public static Buffer sse(JsonArray events) {
        Buffer out = Buffer.buffer();
        for (Object item : events) {
            JsonObject event = (JsonObject) item;
            if (event.getString("event") != null) {
                out.appendString("event: " + event.getString("event") + "\n");
            }
            Object data = event.getValue("data");
            out.appendString("data: " + (data instanceof String text ? text : ((JsonObject) data).encode()) + "\n\n");
        }
        return out;
    }

    private static Object parsed(String data) {
        try {
            return new JsonObject(data);
        } catch (RuntimeException e) {
            return data;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
