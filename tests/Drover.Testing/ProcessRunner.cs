using System.Diagnostics;

namespace Drover.Testing;

/// <summary>
/// Runs a program to its end and returns its exit code and both streams (a script, systemd-analyze, an installed CLI).
/// Past <paramref name="timeout"/> the process tree is killed and the result has exit code -1 and says so.
/// </summary>
public static class ProcessRunner
{
    public static async Task<CliResult> RunAsync(ProcessStartInfo info, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(info);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{info.FileName} did not start");
        // Daemons a script starts must not inherit these pipes (the scripts redirect them), or reading never ends.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            var command = string.Join(' ', new[] { info.FileName }.Concat(info.ArgumentList));
            return new CliResult(-1, await stdout.ConfigureAwait(false), $"{command} timed out after {timeout.TotalSeconds:0} s\n{await stderr.ConfigureAwait(false)}");
        }
        return new CliResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    /// <summary>A start info for <paramref name="fileName"/> with <paramref name="args"/> as separate arguments.</summary>
    public static ProcessStartInfo Command(string fileName, IEnumerable<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var info = new ProcessStartInfo(fileName);
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        return info;
    }
}
