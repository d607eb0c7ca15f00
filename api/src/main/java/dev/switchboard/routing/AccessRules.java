package dev.switchboard.routing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Who may call the gateway. */
public record AccessRules(String mode, List<ClientRule> clients) {

    public static final String OPEN = "Open";
    public static final String API_KEYS = "ApiKeys";

    public AccessRules {
        clients = clients == null ? List.of() : List.copyOf(clients);
    }

    public record ClientRule(
            String name,
            String team,
            SecretFile key,
            List<String> models,
            Limits limits,
            Budget budget,
            Map<String, String> labels) {
        public ClientRule {
            models = models == null ? List.of() : List.copyOf(models);
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }
    }

    public record Limits(Integer requestsPerMinute, Integer tokensPerMinute, Integer maxConcurrency) {
    }

    public record Budget(Double perDay, Double perMonth, double warnAt) {
    }

    List<String> validate() {
        List<String> errors = new ArrayList<>();
        if (!OPEN.equals(mode) && !API_KEYS.equals(mode)) {
            errors.add("access.mode: unknown mode " + mode);
        }
        Set<String> names = new HashSet<>();
        for (ClientRule client : clients) {
            if (!names.add(client.name())) {
                errors.add("access.clients: duplicate client " + client.name());
            }
            if (client.key() == null || client.key().path() == null) {
                errors.add("access.clients[" + client.name() + "]: key file missing");
            }
        }
        return errors;
    }
}
