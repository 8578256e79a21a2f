using System.Diagnostics;

namespace Drover.Testing;

/// <summary>
/// Runs the drover CLI as a user would, pointed at a real droverd through DROVER_CONFIG: the built one, or the
/// published binaries a benchmark cluster uses. <see cref="DroverCli"/> and <see cref="CliProcess"/> are its running
/// forms for commands that stream; all three start the process through <see cref="StartInfo"/>.
/// </summary>
public static class CliRunner
{
    public static Task<CliResult> RunAsync(DroverdProcess server, params string[] args) => RunWithInputAsync(server, null, args);

    public static Task<CliResult> RunAsync(DroverBinaries binaries, DroverdProcess server, params string[] args) =>
        RunCoreAsync(binaries, server, null, new Dictionary<string, string>(), args);

    public static Task<CliResult> RunWithInputAsync(DroverdProcess server, string? stdin, params string[] args) =>
        RunWithEnvironmentAsync(server, stdin, new Dictionary<string, string>(), args);

    /// <summary>As <see cref="RunWithInputAsync"/>, with extra environment variables (e.g. EDITOR for `edit`).</summary>
    public static Task<CliResult> RunWithEnvironmentAsync(DroverdProcess server, string? stdin, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunCoreAsync(DroverBinaries.Built, server, stdin, environment, args);

    /// <summary>The CLI of <paramref name="binaries"/> (default: the built one) with ARGS, stdout and stderr redirected, configured for <paramref name="server"/>.</summary>
    public static ProcessStartInfo StartInfo(DroverdProcess server, bool redirectInput, IEnumerable<string> args, DroverBinaries? binaries = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(args);
        var info = (binaries ?? DroverBinaries.Built).Cli();
        info.RedirectStandardInput = redirectInput;
        info.WorkingDirectory = RepoPaths.Root;
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        info.Environment["DROVER_CONFIG"] = server.ClientConfigPath;
        return info;
    }

    private static async Task<CliResult> RunCoreAsync(DroverBinaries binaries, DroverdProcess server, string? stdin, IReadOnlyDictionary<string, string> environment, string[] args)
    {
        var info = StartInfo(server, stdin is not null, args, binaries);
        foreach (var (name, value) in environment)
            info.Environment[name] = value;
        using var process = Process.Start(info)!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
