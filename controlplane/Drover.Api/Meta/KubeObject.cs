using System.Text.Json.Serialization;

namespace Drover.Api;

/// <summary>
/// The shape every stored object shares. Generic API code (store, watch, CLI) works on this base;
/// each kind adds its spec and status.
/// </summary>
public abstract record KubeObject
{
    [JsonPropertyOrder(-3)]
    public string? ApiVersion { get; init; }

    [JsonPropertyOrder(-2)]
    public string? Kind { get; init; }

    [JsonPropertyOrder(-1)]
    public ObjectMeta Metadata { get; init; } = new();

    /// <summary>
    /// This object with the status taken from <paramref name="other"/> (or cleared when null). Lets the
    /// server keep status out of spec writes and spec out of /status writes without knowing the kind.
    /// Kinds without a status return themselves.
    /// </summary>
    public abstract KubeObject WithStatusFrom(KubeObject? other);
}
