using System.Diagnostics;

namespace Drover.Testing;

/// <summary>
/// Which builds of droverd, drover-agent and drover a helper starts: the tests' own build (dotnet + the
/// Debug/Release dll beside them, <see cref="Built"/>) or the published Native AOT binaries that a benchmark
/// measures (<see cref="Published"/>), where JIT start-up must not count as Drover's time.
/// </summary>
public sealed record DroverBinaries
{
    private DroverBinaries(string? binDirectory) => BinDirectory = binDirectory;

    /// <summary>The published binaries' folder, or null for the dlls built with the tests.</summary>
    public string? BinDirectory { get; }

    public static DroverBinaries Built { get; } = new((string?)null);

    /// <summary>The Native AOT binaries in <paramref name="binDirectory"/> (e.g. artifacts/bin); throws naming the missing one.</summary>
    public static DroverBinaries Published(string binDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(binDirectory);
        var full = Path.GetFullPath(binDirectory);
        foreach (var name in new[] { "droverd", "drover-agent", "drover" })
        {
            if (!File.Exists(Path.Combine(full, name)))
                throw new FileNotFoundException($"{Path.Combine(full, name)} is missing: run ./build.sh publish first", Path.Combine(full, name));
        }
        return new DroverBinaries(full);
    }

    public ProcessStartInfo Droverd() => StartInfo("droverd", () => RepoPaths.Droverd);

    public ProcessStartInfo Agent() => StartInfo("drover-agent", () => RepoPaths.Agent);

    public ProcessStartInfo Cli() => StartInfo("drover", () => RepoPaths.Cli);

    /// <summary>drover-ingress; not required by <see cref="Published"/>: only the ingress tests and benchmark start it.</summary>
    public ProcessStartInfo Ingress() => StartInfo("drover-ingress", () => RepoPaths.Ingress);

    private ProcessStartInfo StartInfo(string native, Func<string> dll)
    {
        ProcessStartInfo info;
        if (BinDirectory is null)
        {
            info = new ProcessStartInfo("dotnet");
            info.ArgumentList.Add(dll());
        }
        else
        {
            info = new ProcessStartInfo(Path.Combine(BinDirectory, native));
        }
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        return info;
    }
}
