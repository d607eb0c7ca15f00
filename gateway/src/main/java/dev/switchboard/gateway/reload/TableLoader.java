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

    /**
     * Either a table to serve or the reasons the file was rejected; warnings do not block serving. refusedSecrets
     * counts the secret values left out because they hold a line break.
     */
    record Result(ActiveTable table, List<String> errors, List<String> warnings, int refusedSecrets) {
        boolean ok() {
            return table != null;
        }
    }

    private TableLoader() {
    }

    static Result load(DirectorySnapshot snapshot) {
        if (snapshot.parsed() == null) {
            return new Result(null, List.of("not a routing table: " + snapshot.parseError()), List.of(), 0);
        }
        RoutingTable table = snapshot.parsed();
        List<String> errors = table.validate();
        if (!errors.isEmpty()) {
            return new Result(null, errors, List.of(), 0);
        }
        Map<String, String> secrets = new HashMap<>();
        List<String> warnings = new ArrayList<>();
        Set<String> verifiers = KeyDigest.verifierPaths(table);
        // The Redis CA certificate is PEM, lines by nature, and is never sent in a header.
        String caCert = table.access() != null && table.access().redis() != null && table.access().redis().caCert() != null
                ? table.access().redis().caCert().path() : null;
        int refused = 0;
        for (var file : snapshot.secrets().entrySet()) {
            String path = file.getKey();
            if (file.getValue() == null) {
                // Kubelet may mount a new Secret a moment after the ConfigMap; change detection reloads then.
                warnings.add("secret file unreadable: " + path);
                continue;
            }
            String text = new String(file.getValue(), StandardCharsets.UTF_8).strip();
            if (!path.equals(caCert) && (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0)) {
                // Sent in a header, it would split the request or fail inside the HTTP client with the value in the message;
                // refused here, it counts as missing. The value is never part of the warning.
                warnings.add("secret file " + path + " holds a line break (CR or LF) inside its value; the value is not used");
                refused++;
            } else if (!text.isEmpty()) {
                secrets.put(path, verifiers.contains(path) ? KeyDigest.of(text) : text);
            }
        }
        ActiveTable active = new ActiveTable(table, RoutingTableCodec.hash(snapshot.routingJson()), Instant.now(), secrets);
        return new Result(active, List.of(), warnings, refused);
    }
}
