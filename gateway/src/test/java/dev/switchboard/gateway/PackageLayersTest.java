package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layering of docs/architecture.md, read from the gateway's sources (the imports of each package): the
 * transport and the attempt pipeline never depend on a wire dialect's package, and no package is part of a dependency
 * cycle but the counters and their Redis store.
 */
class PackageLayersTest {

    private static final String ROOT = "dev.switchboard.gateway";
    private static final Pattern PACKAGE = Pattern.compile("^package (" + Pattern.quote(ROOT) + "[\\w.]*);", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?(" + Pattern.quote(ROOT) + "(?:\\.[a-z]\\w*)*)\\.[A-Z]",
            Pattern.MULTILINE);
    /** The one cycle left, between the counters and their Redis store; a smaller one is fine, a new one is not. */
    private static final List<Set<String>> KNOWN_CYCLES = List.of(
            Set.of("access", "access.redis"));

    private static final Map<String, Set<String>> DEPENDENCIES = new TreeMap<>();

    @BeforeAll
    static void readSources() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                Matcher pkg = PACKAGE.matcher(source);
                if (!pkg.find()) {
                    continue;
                }
                String from = relative(pkg.group(1));
                Set<String> to = DEPENDENCIES.computeIfAbsent(from, p -> new TreeSet<>());
                Matcher imported = IMPORT.matcher(source);
                while (imported.find()) {
                    String target = relative(imported.group(1));
                    if (!target.equals(from)) {
                        to.add(target);
                    }
                }
            }
        }
        assertThat(DEPENDENCIES).as("the gateway's packages were read").containsKeys("dialect", "upstream", "resilience", "http");
    }

    @Test
    void theTransportAndThePipelineNeverDependOnADialectPackage() {
        DEPENDENCIES.forEach((from, to) -> {
            if (isIn(from, "upstream") || isIn(from, "resilience") || from.equals("dialect")) {
                assertThat(to).as("%s depends on", from).noneMatch(target -> target.startsWith("dialect."));
            }
        });
    }

    @Test
    void everyCycleIsAKnownOneOutsideTheDialectLayer() {
        for (Set<String> cycle : cycles()) {
            assertThat(KNOWN_CYCLES).as("packages in a dependency cycle: %s", cycle).anyMatch(known -> known.containsAll(cycle));
        }
    }

    private static boolean isIn(String pkg, String parent) {
        return pkg.equals(parent) || pkg.startsWith(parent + ".");
    }

    private static String relative(String pkg) {
        return pkg.equals(ROOT) ? "" : pkg.substring(ROOT.length() + 1);
    }

    /** The strongly connected components of more than one package (Tarjan). */
    private static List<Set<String>> cycles() {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        List<Set<String>> found = new ArrayList<>();
        for (String pkg : DEPENDENCIES.keySet()) {
            if (!index.containsKey(pkg)) {
                connect(pkg, index, low, stack, found);
            }
        }
        return found;
    }

    private static void connect(String pkg, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
            List<Set<String>> found) {
        index.put(pkg, index.size());
        low.put(pkg, index.get(pkg));
        stack.push(pkg);
        for (String next : DEPENDENCIES.getOrDefault(pkg, Set.of())) {
            if (!index.containsKey(next)) {
                connect(next, index, low, stack, found);
                low.put(pkg, Math.min(low.get(pkg), low.get(next)));
            } else if (stack.contains(next)) {
                low.put(pkg, Math.min(low.get(pkg), index.get(next)));
            }
        }
        if (low.get(pkg).equals(index.get(pkg))) {
            Set<String> component = new TreeSet<>();
            String member;
            do {
                member = stack.pop();
                component.add(member);
            } while (!member.equals(pkg));
            if (component.size() > 1) {
                found.add(component);
            }
        }
    }
}
