using System.Diagnostics;
using System.Text;

namespace Drover.Testing;

public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>
/// The built drover CLI left running (started as <see cref="CliRunner.StartInfo"/> starts it), for commands that stream
/// (logs -f, port-forward): its output read character by character, so a test can wait for text as soon as it is printed.
/// </summary>
public sealed class DroverCli : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private Task _pumps = Task.CompletedTask;
    private bool _disposed;

    private DroverCli(Process process) => _process = process;

    public string Stdout
    {
        get
        {
            lock (_stdout)
                return _stdout.ToString();
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
                return _stderr.ToString();
        }
    }

    public bool HasExited => _process.HasExited;

    public static DroverCli Start(DroverdProcess server, params string[] args)
    {
        var info = CliRunner.StartInfo(server, redirectInput: false, args);
        var cli = new DroverCli(Process.Start(info)!);
        // Character by character, not line by line: a test waits for text as soon as it is printed.
        cli._pumps = Task.WhenAll(PumpAsync(cli._process.StandardOutput, cli._stdout), PumpAsync(cli._process.StandardError, cli._stderr));
        return cli;
    }

    /// <summary>Waits until stdout holds <paramref name="text"/>; fails with what was printed.</summary>
    public async Task WaitForStdoutAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Stdout.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"drover did not print \"{text}\" within {timeout}; stdout:\n{Stdout}\nstderr:\n{Stderr}");
            await Task.Delay(50);
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    private static async Task PumpAsync(StreamReader reader, StringBuilder into)
    {
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            lock (into)
                into.Append(buffer, 0, read);
        }
    }

    /// <summary>Kills the CLI if it still runs (a user's Ctrl-C, as far as droverd can tell).</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }
}
