package dev.switchboard.gateway.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.SortedSet;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.compiler.Compilation;
import dev.switchboard.compiler.CompilerInput;
import dev.switchboard.compiler.Problem;
import dev.switchboard.compiler.RoutingCompiler;
import dev.switchboard.resources.LoadedResources;
import dev.switchboard.resources.LocalSecret;
import dev.switchboard.resources.ResourceDirectory;

/**
 * Local mode: compiles the CR YAML files of a directory with the shared compiler and lays the result out
 * exactly as the operator's pod mounts would (routing/routing.json, secrets/NAME/KEY), in a private temporary
 * directory. The normal reload path then serves it, so local and cluster mode share one serving code path.
 */
public final class LocalWorkspace {

    private static final Logger LOG = Logger.getLogger(LocalWorkspace.class);

    private final Path sourceDir;
    private final Path root;
    private String lastSourceFingerprint;
    private List<String> lastProblems = List.of();

    private LocalWorkspace(Path sourceDir, Path root) {
        this.sourceDir = sourceDir;
        this.root = root;
    }

    /** Creates the private output directory (mode 0700: it will hold secret values). */
    public static LocalWorkspace create(Path sourceDir) throws IOException {
        Path root = Files.createTempDirectory("switchboard-local-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        return new LocalWorkspace(sourceDir.toAbsolutePath().normalize(), root);
    }

    public Path sourceDir() {
        return sourceDir;
    }

    /** Where routing.json is written: the directory the reload path watches. */
    public Path routingDir() {
        return root.resolve("routing");
    }

    Path secretRoot() {
        return root.resolve("secrets");
    }

    /** The source directory and its subdirectories, for change notification. */
    public List<Path> sourceDirs() {
        try (Stream<Path> walk = Files.walk(sourceDir)) {
            return walk.filter(Files::isDirectory).toList();
        } catch (IOException e) {
            return List.of(sourceDir);
        }
    }

    /**
     * Recompiles when any file under the source directory changed since the last call, once the directory has
     * stopped changing for {@code settleMs} (an editor or {@code Files.writeString} empties a file before writing
     * it; compiling in between would serve a table without that file). Returns false when the resources do not
     * compile; then nothing is written and the last good table keeps serving.
     */
    public boolean sync(long settleMs, int maxSettleRounds) throws IOException, InterruptedException {
        String fingerprint = fingerprint();
        if (fingerprint.equals(lastSourceFingerprint)) {
            return true;
        }
        for (int round = 0; round < maxSettleRounds; round++) {
            Thread.sleep(settleMs);
            String again = fingerprint();
            if (again.equals(fingerprint)) {
                break;
            }
            fingerprint = again;
        }
        lastSourceFingerprint = fingerprint;
        LoadedResources resources = ResourceDirectory.load(sourceDir);
        RoutingPolicy policy = choosePolicy(resources);
        Compilation compilation = RoutingCompiler.compile(new CompilerInput(policy, resources.providers(),
                resources.modelGroups(), resources.secretIndex(), secretRoot().toString()));
        List<Problem> problems = new ArrayList<>(resources.problems());
        problems.addAll(compilation.problems());
        problems.forEach(p -> LOG.warnf("%s %s %s: %s", p.severity(), p.resource(), p.field(), p.message()));
        lastProblems = problems.stream().map(p -> p.severity() + " " + p.resource() + " " + p.field() + ": " + p.message()).toList();
        boolean loadErrors = resources.problems().stream().anyMatch(p -> p.severity() == Problem.Severity.Error);
        if (compilation.hasErrors() || loadErrors || compilation.table() == null) {
            LOG.errorf("The resources in %s do not compile; still serving the last good table", sourceDir);
            return false;
        }
        writeSecrets(resources.secrets());
        writeAtomically(routingDir().resolve("routing.json"), compilation.json());
        LOG.infof("Compiled %s (policy %s/%s) into table %s", sourceDir, policy.getMetadata().getNamespace(),
                policy.getMetadata().getName(), compilation.hash());
        return true;
    }

    /** The problems of the last compile, as logged: what the console shows for a rejected table. */
    public List<String> lastProblems() {
        return lastProblems;
    }

    /**
     * The first policy by namespace and name; with none, an implicit open policy that serves every ModelGroup,
     * so a directory of just Providers and ModelGroups runs as is.
     */
    private static RoutingPolicy choosePolicy(LoadedResources resources) {
        List<RoutingPolicy> policies = resources.policiesInOrder();
        if (policies.size() > 1) {
            LOG.warnf("Several RoutingPolicies found; local mode serves %s/%s", policies.get(0).getMetadata().getNamespace(),
                    policies.get(0).getMetadata().getName());
        }
        if (!policies.isEmpty()) {
            return policies.get(0);
        }
        SortedSet<String> namespaces = resources.resourceNamespaces();
        return LoadedResources.implicitOpenPolicy(namespaces.isEmpty() ? ResourceDirectory.DEFAULT_NAMESPACE : namespaces.first(), "local");
    }

    /** Secret files first, so a table never names a key file that is not there yet. */
    private void writeSecrets(List<LocalSecret> secrets) throws IOException {
        Path secretRoot = secretRoot();
        createPrivateDir(secretRoot);
        for (LocalSecret secret : secrets) {
            Path dir = secretRoot.resolve(secret.name());
            createPrivateDir(dir);
            for (var entry : secret.data().entrySet()) {
                writeAtomically(dir.resolve(entry.getKey()), entry.getValue().getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static void createPrivateDir(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
    }

    private static void writeAtomically(Path file, byte[] content) throws IOException {
        createPrivateDir(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), ".tmp-", "",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(tmp, content);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** A hash over every file's path and content: editors, copies and touch-less writes all change it. */
    private String fingerprint() throws IOException {
        MessageDigest digest = sha256();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(sourceDir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            digest.update(sourceDir.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
            try {
                digest.update(sha256().digest(Files.readAllBytes(file)));
            } catch (IOException e) {
                // Deleted between listing and reading: the next round sees the settled directory.
                digest.update((byte) 0);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Removes the output, secret files included. */
    public void delete() {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
