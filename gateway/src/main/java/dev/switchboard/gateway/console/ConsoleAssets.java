package dev.switchboard.gateway.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

import io.vertx.core.buffer.Buffer;

/**
 * The console's static files, read from the classpath once: its own page, script and style, and uPlot. Served from memory by the management router (the main router's static-resource handling does not reach the
 * management port), under fixed names, so nothing else on the classpath can be asked for.
 */
final class ConsoleAssets {

    record Asset(String contentType, Buffer body) {
    }

    /** uPlot's files, unpacked from its WebJar by the build (see the gateway's pom). */
    private static final String UPLOT = "console/vendor/";

    private final Map<String, Asset> assets = new LinkedHashMap<>();

    ConsoleAssets() {
        add("index.html", "console/index.html", "text/html; charset=utf-8");
        add("console.js", "console/console.js", "text/javascript; charset=utf-8");
        add("console.css", "console/console.css", "text/css; charset=utf-8");
        add("uplot.js", UPLOT + "uPlot.iife.min.js", "text/javascript; charset=utf-8");
        add("uplot.css", UPLOT + "uPlot.min.css", "text/css; charset=utf-8");
    }

    Asset get(String name) {
        return assets.get(name);
    }

    private void add(String name, String resource, String contentType) {
        assets.put(name, new Asset(contentType, Buffer.buffer(read(resource))));
    }

    private static byte[] read(String resource) {
        try (InputStream in = ConsoleAssets.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("console resource missing from the classpath: " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
