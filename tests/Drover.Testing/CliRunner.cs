using System.Diagnostics;

namespace Drover.Testing;


/// <summary>Runs the built drover CLI as a user would, pointed at a real droverd through DROVER_CONFIG.</summary>
public static class CliRunner
{
    public static Task<CliResult> RunWithInputAsync(DroverdProcess server, string? stdin, params string[] args) =>
        RunWithEnvironmentAsync(server, stdin, new Dictionary<string, string>(), args);

    /// <summary>As <see cref="RunWithInputAsync"/>, with extra environment variables (e.g. EDITOR for `edit`).</summary>
    public static async Task<CliResult> RunWithEnvironmentAsync(DroverdProcess server, string? stdin, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = StartInfo(server, stdin is not null, args);
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

    public static Task<CliResult> RunAsync(DroverdProcess server, params string[] args) => RunWithInputAsync(server, null, args);

    /// <summary>`dotnet drover.dll ARGS` with stdout and stderr redirected, configured for <paramref name="server"/>.</summary>
    public static ProcessStartInfo StartInfo(DroverdProcess server, bool redirectInput, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        info.ArgumentList.Add(RepoPaths.Cli);
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        info.Environment["DROVER_CONFIG"] = server.ClientConfigPath;
        return info;
    }
}
