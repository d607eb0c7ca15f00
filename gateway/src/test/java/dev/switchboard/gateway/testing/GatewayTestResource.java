package dev.switchboard.gateway.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts an {@link OpenAiSimulator} and a routing directory holding {@link TestTables#standard}, and points the
 * gateway at it. Tests reach the simulator through {@link #simulator()}.
 */
public class GatewayTestResource implements QuarkusTestResourceLifecycleManager {

    private static volatile OpenAiSimulator simulator;
    private static volatile Path routingDir;
    private Path root;

    public static OpenAiSimulator simulator() {
        return simulator;
    }

    public static Path routingDir() {
        return routingDir;
    }

    @Override
    public Map<String, String> start() {
        try {
            simulator = OpenAiSimulator.start(0);
            root = Files.createTempDirectory("switchboard-gw-test");
            routingDir = root.resolve("routing");
            TestTables.write(TestTables.standard(simulator.baseUrl(), root.resolve("secrets")), routingDir);
            return Map.of("switchboard.routing.dir", routingDir.toString(), "switchboard.reload.poll-interval-ms", "200");
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
