package dev.switchboard.gateway.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import dev.switchboard.compiler.Problem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check CR YAML files against the CRD schemas and compile them; print every problem with file, resource and field. Exits 1 on any problem.")
final class ValidateCommand implements Callable<Integer> {

    @Option(names = { "-f", "--filename" }, required = true, description = "Directory of Provider, ModelGroup, RoutingPolicy and Secret YAML files.")
    Path directory;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isDirectory(directory)) {
            err.println("not a directory: " + directory);
            return 2;
        }
        Workspace workspace = Workspace.load(directory);
        List<Problem> problems = workspace.allProblems();
        if (problems.isEmpty()) {
            var resources = workspace.resources();
            out.printf("%s: valid (%d providers, %d model groups, %d routing policies, %d secrets)%n", directory,
                    resources.providers().size(), resources.modelGroups().size(), resources.policies().size(), resources.secrets().size());
            return 0;
        }
        workspace.print(problems, err);
        err.printf("%d problem(s) found%n", problems.size());
        return 1;
    }
}
