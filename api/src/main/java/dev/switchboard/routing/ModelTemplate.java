package dev.switchboard.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model name with capture references: `{n}` stands for the text the n-th wildcard of a {@link ModelPattern} matched
 * (`claude-{1}`, `{2}`). A template without references is a plain name. Expanding is what sends a pattern group's
 * request upstream; inverting (from an expanded name back to the pattern's name) is what lists the names a pattern
 * group is known to serve, and it needs every capture used exactly once.
 */
public final class ModelTemplate {

    private static final Pattern REFERENCE = Pattern.compile("\\{([0-9]{1,2})\\}");
    /** Parsed templates by text. Templates come from routing tables only, never from requests, so the cache stays small. */
    private static final Map<String, ModelTemplate> CACHE = new ConcurrentHashMap<>();
    private static final int CACHE_LIMIT = 4096;

    private final String text;
    /** Literal parts and references, alternating: literals at even positions (possibly empty). */
    private final List<String> literals = new ArrayList<>();
    private final List<Integer> references = new ArrayList<>();

    private ModelTemplate(String text) {
        this.text = text;
        Matcher matcher = REFERENCE.matcher(text);
        int at = 0;
        while (matcher.find()) {
            literals.add(text.substring(at, matcher.start()));
            references.add(Integer.parseInt(matcher.group(1)));
            at = matcher.end();
        }
        literals.add(text.substring(at));
    }

    public static ModelTemplate of(String text) {
        ModelTemplate cached = CACHE.get(text);
        if (cached != null) {
            return cached;
        }
        ModelTemplate parsed = new ModelTemplate(text);
        if (CACHE.size() < CACHE_LIMIT) {
            CACHE.put(text, parsed);
        }
        return parsed;
    }

    /** Whether a text holds a capture reference (or a stray brace, which makes it no plain name either). */
    public static boolean isTemplate(String text) {
        return text != null && (text.indexOf('{') >= 0 || text.indexOf('}') >= 0);
    }

    public String text() {
        return text;
    }

    /** Null when the template suits a pattern with that many captures, else why not. */
    public String problemWith(int captures) {
        String rest = REFERENCE.matcher(text).replaceAll("");
        if (rest.indexOf('{') >= 0 || rest.indexOf('}') >= 0) {
            return "a brace that is not a capture reference {n}";
        }
        for (int reference : references) {
            if (reference < 1 || reference > captures) {
                return "{" + reference + "} refers to no wildcard (the pattern has " + captures + ")";
            }
        }
        return null;
    }

    /** The name for a match's captures (index 0 the whole name, then one per wildcard). */
    public String expand(List<String> captures) {
        StringBuilder name = new StringBuilder(literals.get(0));
        for (int i = 0; i < references.size(); i++) {
            name.append(captures.get(references.get(i))).append(literals.get(i + 1));
        }
        return name.toString();
    }

    /** Whether {@link #invert} can rebuild the pattern's name: every capture of the pattern used exactly once. */
    public boolean invertibleFor(ModelPattern pattern) {
        if (references.size() != pattern.captures()) {
            return false;
        }
        return references.stream().distinct().count() == references.size();
    }

    /**
     * The name of {@code pattern} that expands to {@code expanded}, or null when none does (or the template is not
     * invertible for it). A `?` capture must have taken exactly one character.
     */
    public String invert(ModelPattern pattern, String expanded) {
        if (!invertibleFor(pattern)) {
            return null;
        }
        StringBuilder regex = new StringBuilder(Pattern.quote(literals.get(0)));
        for (int i = 0; i < references.size(); i++) {
            regex.append(pattern.wildcard(references.get(i)) == '?' ? "([\\s\\S])" : "([\\s\\S]*?)");
            if (!literals.get(i + 1).isEmpty()) {
                regex.append(Pattern.quote(literals.get(i + 1)));
            }
        }
        Matcher matcher = Pattern.compile(regex.toString()).matcher(expanded);
        if (!matcher.matches()) {
            return null;
        }
        List<String> captures = new ArrayList<>();
        for (int n = 0; n <= pattern.captures(); n++) {
            captures.add(null);
        }
        for (int i = 0; i < references.size(); i++) {
            captures.set(references.get(i), matcher.group(i + 1));
        }
        String name = pattern.fill(captures);
        // The pattern's own matching is the reference: a name it would split differently does not count.
        List<String> again = pattern.match(name);
        return again != null && expand(again).equals(expanded) ? name : null;
    }

    /** The template as a glob of the names it can expand to, given the pattern whose captures it uses. */
    public String asGlob(ModelPattern pattern) {
        StringBuilder glob = new StringBuilder(literals.get(0));
        for (int i = 0; i < references.size(); i++) {
            glob.append(pattern.wildcard(references.get(i))).append(literals.get(i + 1));
        }
        return glob.toString();
    }

    @Override
    public String toString() {
        return text;
    }
}
