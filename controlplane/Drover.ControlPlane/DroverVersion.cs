using System.Reflection;
using System.Runtime.InteropServices;
using Drover.Api;

namespace Drover.ControlPlane;

public static class DroverVersion
{
    public const string Version = "0.1.0";

    /// <summary>
    /// The Kubernetes minor whose API contract droverd follows (kinds, discovery, tables, patches as in 1.32).
    /// kubectl warns when its minor is more than one away from the server's, so /version reports this one.
    /// </summary>
    public const int KubernetesMinor = 32;

    /// <summary>"v1.32.0+drover0.1.0": a Kubernetes version (semver build metadata names Drover), as k3s' "+k3s1".</summary>
    public static string GitVersion { get; } = $"v1.{KubernetesMinor}.0+drover{Version}";

    public static VersionInfo Info { get; } = new()
    {
        Major = "1",
        Minor = KubernetesMinor.ToString(System.Globalization.CultureInfo.InvariantCulture),
        GitVersion = GitVersion,
        GitCommit = SourceRevision(),
        // The build does not record whether its tree was clean or when it ran; Kubernetes' unset values.
        GitTreeState = "",
        BuildDate = "1970-01-01T00:00:00Z",
        // Kubernetes reports the Go toolchain; droverd's toolchain is .NET.
        GoVersion = RuntimeInformation.FrameworkDescription,
        Compiler = "dotnet",
        Platform = $"{(OperatingSystem.IsLinux() ? "linux" : RuntimeInformation.OSDescription)}/{RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}",
    };

    /// <summary>The commit the SDK stamps after '+' in the informational version (empty outside a git checkout).</summary>
    private static string SourceRevision()
    {
        var informational = typeof(DroverVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? "" : informational[(plus + 1)..];
    }
}
