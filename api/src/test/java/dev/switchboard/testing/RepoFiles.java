package dev.switchboard.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Files outside the module: the repository root, the samples, and committed expectations that a test
 * compares against and can rewrite on request.
 */
public final class RepoFiles {

    /** Set to true to rewrite crds/ and the golden files from what the build produces, instead of comparing. */
    public static final String UPDATE_PROPERTY = "switchboard.crds.update";

    private RepoFiles() {
    }

    /** The repository root: surefire passes it; from the module directory it is the parent. */
    public static Path root() {
        String configured = System.getProperty("switchboard.repo.root");
        Path root = configured == null || configured.isBlank() ? Path.of("..") : Path.of(configured);
        root = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(root.resolve("api")) || !Files.isRegularFile(root.resolve("pom.xml"))) {
            throw new IllegalStateException("not the repository root (no api/ and pom.xml): " + root);
        }
        return root;
    }

    public static Path resolve(String relative) {
        return root().resolve(relative);
    }

    public static boolean updating() {
        return Boolean.getBoolean(UPDATE_PROPERTY);
    }

    /**
     * Compares expected (committed) bytes with actual ones; with the update property set, writes the actual
     * bytes instead. The failure message says how to accept a deliberate change.
     */
    public static void assertSameOrUpdate(Path committed, byte[] actual, String what) {
        try {
            if (updating()) {
                Files.createDirectories(committed.getParent());
                Files.write(committed, actual);
                return;
            }
            if (!Files.exists(committed)) {
                fail(what + ": " + root().relativize(committed) + " is missing. " + updateHint());
            }
            byte[] expected = Files.readAllBytes(committed);
            if (!Arrays.equals(expected, actual)) {
                fail(what + ": " + root().relativize(committed) + " differs from what the build produces"
                        + firstDifference(expected, actual) + ". " + updateHint());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String updateHint() {
        return "If the change is intended, update the committed files with: ./mvnw -B -q -pl api test -D" + UPDATE_PROPERTY
                + "=true and commit them.";
    }

    private static String firstDifference(byte[] expected, byte[] actual) {
        String[] a = new String(expected, java.nio.charset.StandardCharsets.UTF_8).split("\n", -1);
        String[] b = new String(actual, java.nio.charset.StandardCharsets.UTF_8).split("\n", -1);
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            String left = i < a.length ? a[i] : "<end of file>";
            String right = i < b.length ? b[i] : "<end of file>";
            if (!left.equals(right)) {
                return " (first difference at line " + (i + 1) + ": committed `" + left.strip() + "`, generated `" + right.strip() + "`)";
            }
        }
        return "";
    }
}
