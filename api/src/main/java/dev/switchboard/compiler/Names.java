package dev.switchboard.compiler;

import java.util.regex.Pattern;

import dev.switchboard.api.v1alpha1.Patterns;

/** Name checks the CRD schema does per field but cannot do per list item (see docs/api.md). */
final class Names {
    private static final Pattern MODEL = Pattern.compile(Patterns.MODEL_NAME);
    private static final Pattern GLOB = Pattern.compile(Patterns.MODEL_GLOB);
    private static final Pattern TEMPLATE = Pattern.compile(Patterns.MODEL_TEMPLATE);
    private static final Pattern SECRET_KEY = Pattern.compile(Patterns.SECRET_KEY);

    private Names() {
    }

    static boolean isModelName(String name) {
        return name != null && name.length() <= 256 && MODEL.matcher(name).matches();
    }

    /** A model name or a glob of them. */
    static boolean isModelGlob(String glob) {
        return glob != null && glob.length() <= 256 && GLOB.matcher(glob).matches();
    }

    /** A model name that may hold capture references {n}. */
    static boolean isModelTemplate(String template) {
        return template != null && template.length() <= 256 && TEMPLATE.matcher(template).matches();
    }

    static boolean isSecretKey(String key) {
        return key != null && SECRET_KEY.matcher(key).matches();
    }
}
