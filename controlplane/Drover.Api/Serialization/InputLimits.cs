namespace Drover.Api;

/// <summary>
/// The one place that says how much outside input Drover reads: request bodies, manifests, watch streams,
/// config and checkpoint files, in droverd, the CLI, the agent and the ingress alike. Every limit is checked
/// while the input is read (no parser here recurses without a bound) and a refusal names the limit.
/// docs/LIMITS.md explains each number.
/// </summary>
public static class InputLimits
{
    /// <summary>
    /// Bytes of one request body and of one object's JSON (Kubernetes' 3 MiB). A YAML body converted to JSON,
    /// aliases expanded, must fit the same bound: the object is stored and served as that JSON.
    /// </summary>
    public const int MaxObjectBytes = 3 * 1024 * 1024;

    /// <summary>
    /// Nesting of maps and lists, in YAML and JSON. Drover's deepest real field path is about 14 levels
    /// (a Deployment's pod affinity expressions); 64 is System.Text.Json's own default, so every JSON reader,
    /// the serializer and the code that walks a JSON tree (merge patch, three-way apply) share one bound.
    /// Kubernetes allows 10,000 because custom resources may hold arbitrary documents; Drover serves none.
    /// </summary>
    public const int MaxDepth = 64;

    /// <summary>Maps, lists, keys and scalars in one document, counting every alias expansion.</summary>
    public const int MaxNodes = 500_000;

    /// <summary>YAML aliases (<c>*name</c>) in one document; real manifests use a handful.</summary>
    public const int MaxAliases = 1_000;

    /// <summary>Characters of one mapping key (an annotation key is at most 317).</summary>
    public const int MaxKeyLength = 1_024;

    /// <summary>Characters of one string value: above Kubernetes' 1 MiB for a whole ConfigMap or Secret, under the object limit.</summary>
    public const int MaxStringLength = 2 * 1024 * 1024;

    /// <summary>Documents in one manifest stream (a file or stdin for <c>drover apply -f</c>).</summary>
    public const int MaxDocuments = 10_000;

    /// <summary>Bytes of one manifest file or of stdin read by the CLI.</summary>
    public const int MaxManifestFileBytes = 64 * 1024 * 1024;

    /// <summary>Bytes of a config file (the agent's, a client config) and of a node's join or checkpoint file.</summary>
    public const int MaxConfigFileBytes = 1024 * 1024;

    /// <summary>
    /// Bytes of one answer from droverd that the client toolkit buffers (a list): 10,000 pods of 4 KB are 40 MB.
    /// </summary>
    public const int MaxResponseBytes = 256 * 1024 * 1024;

    /// <summary>Bytes of one watch event line: one object plus the envelope, with room for server-side escaping.</summary>
    public const int MaxWatchEventBytes = 2 * MaxObjectBytes;

    /// <summary>Characters of a continue token, a selector or any other single query parameter value.</summary>
    public const int MaxQueryValueLength = 8 * 1024;

    /// <summary>The longest watch a client may ask for with <c>timeoutSeconds</c> (one day; client-go asks 5–10 minutes).</summary>
    public const int MaxTimeoutSeconds = 24 * 60 * 60;

    /// <summary>Unknown fields dropped from one body under fieldValidation=Warn|Ignore (each costs one re-read of the body).</summary>
    public const int MaxUnknownFields = 100;

    /// <summary>The longest <c>gracePeriodSeconds</c> (one year; the pod's own field has no use for more).</summary>
    public const long MaxGracePeriodSeconds = 365L * 24 * 60 * 60;
}
