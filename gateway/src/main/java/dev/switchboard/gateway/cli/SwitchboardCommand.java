package dev.switchboard.gateway.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "switchboard", mixinStandardHelpOptions = true, version = "switchboard 0.1.0",
        description = "Kubernetes-native LLM gateway: validate and render CR YAML, or run the gateway locally.",
        subcommands = { ValidateCommand.class, RenderCommand.class, RunCommand.class })
public final class SwitchboardCommand {

    public static int execute(String... args) {
        return new CommandLine(new SwitchboardCommand()).execute(args);
    }
}
