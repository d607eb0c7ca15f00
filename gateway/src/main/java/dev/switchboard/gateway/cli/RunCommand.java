package dev.switchboard.gateway.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.quarkus.runtime.Quarkus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Serve the gateway locally from the CR YAML files in a directory, reloading on every change.")
final class RunCommand implements Callable<Integer> {

    @Option(names = { "-f", "--filename" }, required = true, description = "Directory of Provider, ModelGroup, RoutingPolicy and Secret YAML files.")
    Path directory;

    @Option(names = { "-p", "--port" }, defaultValue = "8080", description = "HTTP port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--management-port", defaultValue = "9000",
            description = "Port of health, metrics, /q/switchboard/*, /admin/v1/* and the /console (default ${DEFAULT-VALUE}).")
    int managementPort;

    // Local runs default to an open access policy, so they should not be reachable from the network by default.
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for all interfaces).")
    String host;

    @Override
    public Integer call() {
        if (!Files.isDirectory(directory)) {
            System.err.println("switchboard run: " + directory + " is not a directory");
            return 2;
        }
        // Local mode is selected by configuration so the same Quarkus application serves both modes.
        System.setProperty("switchboard.local.dir", directory.toAbsolutePath().toString());
        System.setProperty("quarkus.http.port", Integer.toString(port));
        System.setProperty("quarkus.http.host", host);
        System.setProperty("quarkus.management.port", Integer.toString(managementPort));
        System.setProperty("quarkus.management.host", host);
        String address = host.contains(":") ? "[" + host + "]" : host;
        System.out.println("switchboard run: API on http://" + address + ":" + port + "/v1, management (health, metrics, "
                + "/q/switchboard/*, /admin/v1/*) on http://" + address + ":" + managementPort);
        System.out.println("switchboard run: status console on http://" + address + ":" + managementPort + "/console/");
        // No Service endpoints to drain from on a workstation: Ctrl-C should not wait out the pod's shutdown delay.
        if (System.getProperty("quarkus.shutdown.delay") == null && System.getenv("QUARKUS_SHUTDOWN_DELAY") == null) {
            System.setProperty("quarkus.shutdown.delay", "0s");
        }
        Quarkus.run();
        return 0;
    }
}
