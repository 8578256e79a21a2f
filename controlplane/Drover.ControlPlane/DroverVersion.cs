using System.Runtime.InteropServices;
using Drover.Api;

namespace Drover.ControlPlane;

public static class DroverVersion
{
    public const string Version = "0.1.0";

    public static VersionInfo Info { get; } = new()
    {
        Major = "0",
        Minor = "1",
        GitVersion = "v" + Version,
        Platform = $"{(OperatingSystem.IsLinux() ? "linux" : RuntimeInformation.OSDescription)}/{RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}",
    };
}
