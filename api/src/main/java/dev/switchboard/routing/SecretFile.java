package dev.switchboard.routing;

/**
 * A secret the gateway needs, by reference only: the Secret's name and data key, and the file where the
 * gateway reads the value (the operator mounts the Secret there; local mode writes it there).
 */
public record SecretFile(String secret, String key, String path) {
}
