namespace Drover.Api;

/// <summary>
/// What <c>/version</c> answers: every field of apimachinery's version.Info, so kubectl's skew check and the
/// client libraries that read it (KubernetesClient's VersionInfo) find what they expect.
/// </summary>
public sealed record VersionInfo
{
    public string Major { get; init; } = "";
    public string Minor { get; init; } = "";
    public string GitVersion { get; init; } = "";
    public string GitCommit { get; init; } = "";
    public string GitTreeState { get; init; } = "";
    public string BuildDate { get; init; } = "";
    public string GoVersion { get; init; } = "";
    public string Compiler { get; init; } = "";
    public string Platform { get; init; } = "";
}
