using System.Diagnostics;

namespace Drover.Testing;

/// <summary>
/// Runs packaging/containerd/run-private.sh (start DIR INDEX | stop | status | stop-daemon | start-daemon |
/// restart-daemon | reboot DIR): one private containerd per simulated node.
/// </summary>
public static class PrivateContainerdScript
{
    public static string Path => System.IO.Path.Combine(RepoPaths.Root, "packaging", "containerd", "run-private.sh");

    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path);
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("bash did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"run-private.sh {string.Join(' ', args)} timed out after 2 minutes\n{await stdout.ConfigureAwait(false)}{await stderr.ConfigureAwait(false)}");
        }
        return (process.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
    }
}
