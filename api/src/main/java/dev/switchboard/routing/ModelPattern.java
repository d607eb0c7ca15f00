package dev.switchboard.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A glob of model names whose wildcards are captures: `*` (any run of characters, also none) and `?` (exactly one)
 * are numbered from 1, left to right. Each `*` takes as little as it can: `*-*` splits `a-b-c` into `a`
 * and `b-c`. Used by pattern ModelGroups (the public names they serve) and by a provider's name rules.
 */
public final class ModelPattern {

    /** Compiled patterns by glob. Globs come from routing tables only, never from requests, so the cache stays small. */
    private static final Map<String, ModelPattern> CACHE = new ConcurrentHashMap<>();
    private static final int CACHE_LIMIT = 4096;

    private final String glob;
    private final Pattern regex;
    /** The wildcard characters in capture order. */
    private final String wildcards;

    private ModelPattern(String glob) {
        this.glob = glob;
        StringBuilder regexText = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        StringBuilder kinds = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    regexText.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regexText.append(c == '*' ? "([\\s\\S]*?)" : "([\\s\\S])");
                kinds.append(c);
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            regexText.append(Pattern.quote(literal.toString()));
        }
        this.regex = Pattern.compile(regexText.toString());
        this.wildcards = kinds.toString();
    }

    public static ModelPattern of(String glob) {
        ModelPattern cached = CACHE.get(glob);
        if (cached != null) {
            return cached;
        }
        ModelPattern compiled = new ModelPattern(glob);
        if (CACHE.size() < CACHE_LIMIT) {
            CACHE.put(glob, compiled);
        }
        return compiled;
    }

    /** Whether a name is a glob (holds a wildcard) rather than one name. */
    public static boolean isGlob(String name) {
        return name != null && (name.indexOf('*') >= 0 || name.indexOf('?') >= 0);
    }

    public String glob() {
        return glob;
    }

    /** The number of captures. */
    public int captures() {
        return wildcards.length();
    }

    /** The wildcard (`*` or `?`) of capture n, from 1. */
    char wildcard(int n) {
        return wildcards.charAt(n - 1);
    }

    /** The captures of a matching name, the whole name at index 0; null when the name does not match. */
    public List<String> match(String name) {
        Matcher matcher = regex.matcher(name);
        if (!matcher.matches()) {
            return null;
        }
        List<String> captures = new ArrayList<>(matcher.groupCount() + 1);
        for (int i = 0; i <= matcher.groupCount(); i++) {
            captures.add(matcher.group(i));
        }
        return captures;
    }

    /** The template that rebuilds a matched name from its captures: the glob with its n-th wildcard written {n}. */
    public String identityTemplate() {
        StringBuilder template = new StringBuilder();
        int n = 0;
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                template.append('{').append(++n).append('}');
            } else {
                template.append(c);
            }
        }
        return template.toString();
    }

    /** The name this glob gives when capture n is replaced by captures.get(n); captures.get(0) is not used. */
    String fill(List<String> captures) {
        StringBuilder name = new StringBuilder();
        int n = 0;
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                name.append(captures.get(++n));
            } else {
                name.append(c);
            }
        }
        return name.toString();
    }

    @Override
    public String toString() {
        return glob;
    }
}
