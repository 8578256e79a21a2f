using System.Diagnostics;

namespace Drover.Cli.Diff;

/// <summary>
/// Runs the diff program over the two directories, as kubectl does: `diff -u -N` unless KUBECTL_EXTERNAL_DIFF (or
/// DROVER_EXTERNAL_DIFF) names another command and its flags. Its exit code is the command's: 0 same, 1 different.
/// </summary>
internal static class ExternalDiff
{
    public static async Task<int> RunAsync(CliContext context, string live, string merged, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var command = Environment.GetEnvironmentVariable("DROVER_EXTERNAL_DIFF") ?? Environment.GetEnvironmentVariable("KUBECTL_EXTERNAL_DIFF");
        var words = string.IsNullOrWhiteSpace(command) ? ["diff", "-u", "-N"] : command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var info = new ProcessStartInfo(words[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var word in words.Skip(1))
            info.ArgumentList.Add(word);
        info.ArgumentList.Add(live);
        info.ArgumentList.Add(merged);
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new CliException($"error: failed to run \"{words[0]}\"");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new CliException($"error: failed to run \"{words[0]}\": {e.Message}");
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(ct);
            var error = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
            await context.Out.WriteAsync(await output.ConfigureAwait(false)).ConfigureAwait(false);
            await context.Error.WriteAsync(await error.ConfigureAwait(false)).ConfigureAwait(false);
            return process.ExitCode;
        }
    }
}
