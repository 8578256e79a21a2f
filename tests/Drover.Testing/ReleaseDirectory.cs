using System.Diagnostics;

namespace Drover.Testing;

/// <summary>
/// The release directory `./build.sh publish` assembles (artifacts/release/drover-linux-x64: install.sh, bin/,
/// images/, packaging/, examples/), and a way to run its install.sh as a user would.
/// </summary>
public static class ReleaseDirectory
{
    public static string Path { get; } = System.IO.Path.Combine(RepoPaths.Root, "artifacts", "release", "drover-linux-x64");

    public static string InstallScript => System.IO.Path.Combine(Path, "install.sh");

    /// <summary>Throws naming what is missing, so a test without a release fails loudly instead of skipping.</summary>
    public static void RequirePublished()
    {
        foreach (var file in new[] { "install.sh", "bin/droverd", "bin/drover-agent", "bin/drover-ingress", "bin/drover", "images/images.list" })
        {
            var full = System.IO.Path.Combine(Path, file);
            if (!File.Exists(full))
                throw new FileNotFoundException($"{full} is missing: run ./build.sh publish (./build.sh test does) first", full);
        }
    }

    /// <summary>
    /// Runs <c>bash install.sh ARGS</c> with <paramref name="environment"/> added, optionally through a wrapper
    /// command (e.g. setpriv to drop root); returns its exit code and both streams, stderr after stdout.
    /// </summary>
    public static async Task<CliResult> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, IEnumerable<string>? wrapper = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var command = (wrapper ?? []).Concat(["bash", InstallScript]).Concat(args).ToList();
        var info = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path };
        foreach (var arg in command.Skip(1))
            info.ArgumentList.Add(arg);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            info.Environment[key] = value;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{command[0]} did not start");
        // The daemons install.sh starts inherit no pipe of ours (it redirects them), so reading to the end returns.
        var readOut = process.StandardOutput.ReadToEndAsync();
        var readErr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(4));
        try
        {
            await process.WaitForExitAsync(cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return new CliResult(-1, await readOut.ConfigureAwait(false), $"install.sh {string.Join(' ', args)} timed out\n{await readErr.ConfigureAwait(false)}");
        }
        return new CliResult(process.ExitCode, await readOut.ConfigureAwait(false), await readErr.ConfigureAwait(false));
    }
}
