package dev.switchboard.gateway;

import dev.switchboard.gateway.cli.SwitchboardCommand;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Entry point of the gateway image and of the `switchboard` command line. Without arguments (as in the
 * gateway pod) it serves the routing table mounted by the operator; with a subcommand it acts as the CLI.
 * `validate` and `render` never boot Quarkus, so they start fast and bind no port.
 */
@QuarkusMain
public final class Main {

    private Main() {
    }

    public static void main(String... args) {
        if (args.length == 0) {
            Quarkus.run(args);
            return;
        }
        System.exit(SwitchboardCommand.execute(args));
    }
}
