package dev.switchboard.gateway.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Like {@link GatewayTestResource}, but the routing directory starts empty: the gateway boots without a table. */
public class ReloadTestResource implements QuarkusTestResourceLifecycleManager {

    private static volatile OpenAiSimulator simulator;
    private static volatile Path root;

    public static OpenAiSimulator simulator() {
        return simulator;
    }

    public static Path routingDir() {
        return root.resolve("routing");
    }

    public static Path secretDir() {
        return root.resolve("secrets");
    }

    @Override
    public Map<String, String> start() {
        try {
            simulator = OpenAiSimulator.start(0);
            root = Files.createTempDirectory("switchboard-reload-test");
            Files.createDirectories(routingDir());
            return Map.of("switchboard.routing.dir", routingDir().toString(), "switchboard.reload.poll-interval-ms", "200");
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the test upstream", e);
        }
    }

    @Override
    public void stop() {
        try {
            simulator.close();
            TempDirs.delete(root);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
