package dev.switchboard.gateway.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Publishes files the way kubelet updates a mounted ConfigMap: each version goes into a fresh timestamped
 * directory, `..data` is re-pointed by renaming a `..data_tmp` symlink over it, and the visible files are
 * symlinks through `..data`.
 */
public final class KubeletDirectory {

    private final Path dir;
    private int version;

    public KubeletDirectory(Path dir) {
        this.dir = dir;
    }

    public void publish(String fileName, byte[] content) throws IOException {
        Files.createDirectories(dir);
        Path previous = Files.isSymbolicLink(dir.resolve("..data")) ? dir.resolve(Files.readSymbolicLink(dir.resolve("..data"))) : null;
        String stamp = String.format("..2026_11_22_08_00_00.%06d", ++version);
        Path versionDir = dir.resolve(stamp);
        Files.createDirectories(versionDir);
        Files.write(versionDir.resolve(fileName), content);
        Path tmp = dir.resolve("..data_tmp");
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, Path.of(stamp));
        Files.move(tmp, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
        Path visible = dir.resolve(fileName);
        if (!Files.isSymbolicLink(visible)) {
            Files.deleteIfExists(visible);
            Files.createSymbolicLink(visible, Path.of("..data").resolve(fileName));
        }
        if (previous != null) {
            TempDirs.delete(previous);
        }
    }
}
