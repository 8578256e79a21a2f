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
        var result = await ProcessRunner.RunAsync(ProcessRunner.Command("bash", [Path, .. args]), TimeSpan.FromMinutes(2)).ConfigureAwait(false);
        return (result.ExitCode, result.Stdout + result.Stderr);
    }
}
