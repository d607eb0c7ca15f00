package dev.switchboard.compiler;

/** Machine-readable reason codes; they become condition reasons in resource status. */
public enum ProblemReason {
    /** A target names a Provider that does not exist in the namespace. */
    UnknownProvider,
    /** A target names a Provider that exists but is itself broken (see its own problems). */
    ProviderUnavailable,
    /** Two selected ModelGroups claim the same public model name; the older one wins. */
    DuplicateModelName,
    /** An alias is already claimed by another group's name or alias; the alias is dropped. */
    DuplicateAlias,
    /** A fallback names no model served by the policy; the fallback is dropped. */
    UnknownFallback,
    /** Fallbacks lead back to the group; every group on the cycle is left out. */
    FallbackCycle,
    /** A referenced Secret does not exist. */
    MissingSecret,
    /** A referenced Secret exists but lacks the key, or holds no keys at all. */
    MissingSecretKey,
    /** A referenced Secret exists but does not carry the label switchboard.dev/usable=true. */
    SecretNotOptedIn,
    /** A referenced Secret opted in, but its switchboard.dev/usable-by annotation does not name the referring resource. */
    SecretNotAllowed,
    /** A referenced Secret value holds a line break (CR or LF): it cannot travel in an HTTP header, so it is not used. */
    InvalidSecretValue,
    /** Two clients share one key, or a client's key is the admin key: a key must identify one caller. */
    DuplicateClientKey,
    /** A target asks a provider for a model the provider is known not to serve. */
    ModelNotServed,
    /** Fields that are fine alone but do not work together, e.g. LowestCost without pricing. */
    UnsupportedCombination,
    /** After dropping broken targets, a group has none left. */
    NoUsableTargets,
    /** A field value is malformed (the API server would normally reject it; local files have no API server). */
    InvalidValue,
    /** A client's token match names an issuer that is not declared, or that is left out; the client is left out. */
    UnknownIssuer,
    /** Two clients of one issuer and one priority may match the same token; the later one is left out. */
    AmbiguousClients,
    /** A Kubernetes issuer's URL and keys could not be read from the cluster (or there is no cluster); the issuer is left out. */
    IssuerUnavailable,
    /**
     * Two pattern ModelGroups match some name in common and neither is more specific than the other (matches only names
     * the other matches too): the younger group is left out.
     */
    AmbiguousModelPattern,
    /**
     * A ModelGroup or client names a hook the RoutingPolicy does not declare (or one left out for its own problems): the
     * group or client is left out rather than served without the hook.
     */
    UnknownHook,
    /** A declared hook cannot work: a regular expression that does not compile, a malformed URL; the hook is left out. */
    InvalidHook
}
