namespace Drover.Api;

/// <summary>What <c>/version</c> answers, in the shape kubectl reads.</summary>
public sealed record VersionInfo
{
    public string Major { get; init; } = "";
    public string Minor { get; init; } = "";
    public string GitVersion { get; init; } = "";
    public string Platform { get; init; } = "";
}
