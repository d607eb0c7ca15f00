package dev.switchboard.resources;

import java.util.Map;
import java.util.TreeMap;

/** A Secret read from a local YAML file, values decoded and `${env:VAR}` references resolved. */
public record LocalSecret(String name, Map<String, String> labels, Map<String, String> annotations, Map<String, String> data) {

    public LocalSecret {
        labels = new TreeMap<>(labels);
        annotations = new TreeMap<>(annotations);
        data = new TreeMap<>(data);
    }

    @Override
    public String toString() {
        // Values are secrets: print only the key names.
        return "LocalSecret[name=" + name + ", labels=" + labels + ", keys=" + data.keySet() + "]";
    }
}
