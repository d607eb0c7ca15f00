package dev.switchboard.gateway.cli;

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

    @Override
    public Integer call() {
        // Local mode is selected by configuration so the same Quarkus application serves both modes.
        System.setProperty("switchboard.local.dir", directory.toAbsolutePath().toString());
        System.setProperty("quarkus.http.port", Integer.toString(port));
        Quarkus.run();
        return 0;
    }
}
