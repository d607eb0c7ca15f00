package dev.switchboard.compiler;

import java.util.List;

import dev.switchboard.routing.RoutingTable;

/** The compiler's result: the table, its canonical JSON and hash, and every problem found on the way. */
public record Compilation(RoutingTable table, byte[] json, String hash, List<Problem> problems) {

    public Compilation {
        problems = List.copyOf(problems);
    }

    public boolean hasErrors() {
        return problems.stream().anyMatch(p -> p.severity() == Problem.Severity.Error);
    }

    /** Problems about one resource, for its status conditions. */
    public List<Problem> problemsOf(ResourceRef resource) {
        return problems.stream().filter(p -> p.resource().equals(resource)).toList();
    }
}
