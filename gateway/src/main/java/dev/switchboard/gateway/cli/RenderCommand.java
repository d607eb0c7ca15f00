package dev.switchboard.gateway.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.compiler.Compilation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "render", mixinStandardHelpOptions = true,
        description = "Print the routing table JSON compiled from CR YAML files, exactly as the operator would write it; with --resolve, the route each given public name takes instead. Problems go to stderr; exits 1 when anything was left out.")
final class RenderCommand implements Callable<Integer> {

    @Option(names = { "-f", "--filename" }, required = true, description = "Directory of Provider, ModelGroup, RoutingPolicy and Secret YAML files.")
    Path directory;

    @Option(names = "--policy", description = "Name of the RoutingPolicy to render when the directory holds several.")
    String policyName;

    @Option(names = "--resolve", paramLabel = "MODEL", description = "A public model name to resolve as the gateway would (exact name or alias, else the most specific pattern): prints the route it takes and what each target is sent. Repeatable.")
    List<String> resolve;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var err = spec.commandLine().getErr();
        if (!Files.isDirectory(directory)) {
            err.println("not a directory: " + directory);
            return 2;
        }
        Workspace workspace = Workspace.load(directory);
        List<RoutingPolicy> policies = workspace.resources().policies().stream()
                .filter(p -> policyName == null || p.getMetadata().getName().equals(policyName))
                .toList();
        if (policies.size() != 1) {
            err.println(policies.isEmpty()
                    ? "no RoutingPolicy" + (policyName == null ? "" : " named " + policyName) + " in " + directory
                    : "several RoutingPolicies in " + directory + "; choose one with --policy");
            return 2;
        }
        Compilation compilation = workspace.compile(policies.get(0));
        var problems = new java.util.ArrayList<>(workspace.resources().problems());
        problems.addAll(compilation.problems());
        workspace.print(problems, err);
        spec.commandLine().getOut().print(resolve == null ? new String(compilation.json(), StandardCharsets.UTF_8)
                : ResolvedRoutes.describe(compilation.table(), resolve));
        spec.commandLine().getOut().flush();
        return problems.stream().anyMatch(p -> p.severity() == dev.switchboard.compiler.Problem.Severity.Error) ? 1 : 0;
    }
}
