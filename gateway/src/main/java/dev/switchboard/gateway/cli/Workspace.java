package dev.switchboard.gateway.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.compiler.Compilation;
import dev.switchboard.compiler.CompilerInput;
import dev.switchboard.compiler.Problem;
import dev.switchboard.compiler.RoutingCompiler;
import dev.switchboard.resources.LoadedResources;
import dev.switchboard.resources.ResourceDirectory;

/** A directory of CR YAML files, loaded and compiled once per RoutingPolicy it holds. */
final class Workspace {

    private final Path directory;
    private final LoadedResources resources;

    private Workspace(Path directory, LoadedResources resources) {
        this.directory = directory;
        this.resources = resources;
    }

    static Workspace load(Path directory) {
        return new Workspace(directory, ResourceDirectory.load(directory));
    }

    LoadedResources resources() {
        return resources;
    }

    /**
     * Policies to compile. A directory without one still gets its Providers and ModelGroups checked, through
     * an implicit open policy per namespace that selects everything.
     */
    List<RoutingPolicy> policies() {
        if (!resources.policies().isEmpty()) {
            return resources.policiesInOrder();
        }
        return resources.resourceNamespaces().stream().map(ns -> LoadedResources.implicitOpenPolicy(ns, "implicit")).toList();
    }

    Compilation compile(RoutingPolicy policy) {
        return RoutingCompiler.compile(new CompilerInput(policy, resources.providers(), resources.modelGroups(),
                resources.secretIndex(), CompilerInput.DEFAULT_SECRET_ROOT));
    }

    /** Load problems plus compile problems of every policy, each reported once. */
    List<Problem> allProblems() {
        Set<Problem> problems = new LinkedHashSet<>(resources.problems());
        for (RoutingPolicy policy : policies()) {
            problems.addAll(compile(policy).problems());
        }
        return new ArrayList<>(problems);
    }

    void print(List<Problem> problems, PrintWriter out) {
        for (Problem problem : problems) {
            Path file = resources.fileOf(problem.resource());
            String where = file == null ? "(implicit)" : directory.toAbsolutePath().relativize(file.toAbsolutePath()).toString();
            String field = problem.field().isEmpty() ? "" : " " + problem.field();
            out.printf("%s: %s %s%s: %s: %s%n", where, problem.severity(), problem.resource(), field, problem.reason(), problem.message());
        }
        out.flush();
    }
}
