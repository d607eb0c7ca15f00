package dev.switchboard.gateway.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.RoutingTable;
import dev.switchboard.routing.SecretFile;
import dev.switchboard.routing.UpstreamProvider;
import dev.switchboard.routing.UpstreamProvider.Timeouts;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A gateway with a pool of {@value #CONNECTIONS} connections per upstream host (two event loops, one connection
 * each) in front of an {@link OpenAiSimulator}, so a handful of slow streams is more than the pool holds. The
 * connect timeout is far shorter than a stream: a call that waits for a connection as long as a stream lasts
 * must not be taken for a failed connect.
 */
public class ConnectionPoolTestResource implements QuarkusTestResourceLifecycleManager {

    public static final int CONNECTIONS = 2;
    public static final long CONNECT_MS = 250;
    /** The first-byte budget of the impatient provider: shorter than the streams that hold the connections. */
    public static final long IMPATIENT_FIRST_BYTE_MS = 300;

    private static volatile OpenAiSimulator simulator;
    private Path root;

    public static OpenAiSimulator simulator() {
        return simulator;
    }

    @Override
    public Map<String, String> start() {
        try {
            simulator = OpenAiSimulator.start(0);
            root = Files.createTempDirectory("switchboard-pool-test");
            List<SecretFile> keys = TestTables.writeKeys(root.resolve("secrets"));
            // Both providers call the same host with the same connect timeout: they share one pool per event loop.
            List<UpstreamProvider> providers = List.of(
                    new UpstreamProvider("pooled", "OpenAI", simulator.baseUrl(), null, null,
                            new Timeouts(CONNECT_MS, 20_000, 20_000, 60_000), null, null, keys, null),
                    new UpstreamProvider("impatient", "OpenAI", simulator.baseUrl(), null, null,
                            new Timeouts(CONNECT_MS, IMPATIENT_FIRST_BYTE_MS, 20_000, 60_000), null, null, keys, null));
            List<ModelRoute> models = List.of(
                    TestTables.route("drip", "Weighted", TestTables.target("pooled", "drip-400")),
                    TestTables.route("hold", "Weighted", TestTables.target("pooled", "drip-2000")),
                    TestTables.route("impatient", "Weighted", TestTables.target("impatient", "ok")));
            TestTables.write(new RoutingTable(RoutingTable.SCHEMA_VERSION, new RoutingTable.Source("test", "pool"), TestTables.settings(),
                    null, providers, models), root.resolve("routing"));
            return Map.of("switchboard.routing.dir", root.resolve("routing").toString(),
                    "switchboard.reload.poll-interval-ms", "200",
                    "quarkus.vertx.event-loops-pool-size", "2",
                    "switchboard.upstream.max-connections-per-host", Integer.toString(CONNECTIONS));
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the test upstream", e);
        }
    }

    /** After the module's global resource (order 0), so this table's directory is the one the gateway watches. */
    @Override
    public int order() {
        return 100;
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
