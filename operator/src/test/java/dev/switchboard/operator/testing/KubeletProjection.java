package dev.switchboard.operator.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Projects ConfigMap data into a directory the way kubelet does: the files live in a timestamped directory,
 * `..data` is a symlink to it, and each key is a symlink through `..data`. An update writes a new
 * directory and swaps `..data` with an atomic rename, so a reader never sees a half-written file.
 */
public final class KubeletProjection {

    private final Path root;
    private int generation;

    public KubeletProjection(Path root) {
        this.root = root;
    }

    public void project(Map<String, String> data) throws IOException {
        Path previous = Files.isSymbolicLink(root.resolve("..data")) ? root.resolve(Files.readSymbolicLink(root.resolve("..data"))) : null;
        Path fresh = Files.createDirectory(root.resolve("..2026_11_22_00_00_00." + generation++));
        for (var entry : data.entrySet()) {
            Files.writeString(fresh.resolve(entry.getKey()), entry.getValue(), StandardCharsets.UTF_8);
        }
        Path swap = root.resolve("..data_tmp");
        Files.createSymbolicLink(swap, fresh.getFileName());
        Files.move(swap, root.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        for (String key : data.keySet()) {
            Path link = root.resolve(key);
            if (!Files.isSymbolicLink(link)) {
                Files.createSymbolicLink(link, Path.of("..data", key));
            }
        }
        if (previous != null) {
            try (var files = Files.list(previous)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(previous);
        }
    }
}
