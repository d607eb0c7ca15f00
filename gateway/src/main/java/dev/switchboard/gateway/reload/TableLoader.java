package dev.switchboard.gateway.reload;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.switchboard.gateway.access.KeyDigest;
import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.routing.RoutingTable;
import dev.switchboard.routing.RoutingTableCodec;

/** Turns a directory snapshot into a servable table: validated, with the secret values it names. */
final class TableLoader {

    /** Either a table to serve or the reasons the file was rejected; warnings do not block serving. */
    record Result(ActiveTable table, List<String> errors, List<String> warnings) {
        boolean ok() {
            return table != null;
        }
    }

    private TableLoader() {
    }

    static Result load(DirectorySnapshot snapshot) {
        if (snapshot.parsed() == null) {
            return new Result(null, List.of("not a routing table: " + snapshot.parseError()), List.of());
        }
        RoutingTable table = snapshot.parsed();
        List<String> errors = table.validate();
        if (!errors.isEmpty()) {
            return new Result(null, errors, List.of());
        }
        Map<String, String> secrets = new HashMap<>();
        List<String> warnings = new ArrayList<>();
        Set<String> verifiers = KeyDigest.verifierPaths(table);
        snapshot.secrets().forEach((path, value) -> {
            if (value == null) {
                // Kubelet may mount a new Secret a moment after the ConfigMap; change detection reloads then.
                warnings.add("secret file unreadable: " + path);
            } else {
                String text = new String(value, StandardCharsets.UTF_8).strip();
                if (!text.isEmpty()) {
                    secrets.put(path, verifiers.contains(path) ? KeyDigest.of(text) : text);
                }
            }
        });
        ActiveTable active = new ActiveTable(table, RoutingTableCodec.hash(snapshot.routingJson()), Instant.now(), secrets);
        return new Result(active, List.of(), warnings);
    }
}
