using System.Diagnostics;
using System.Text;
using System.Threading.Channels;

namespace Drover.Testing;

/// <summary>
/// The built CLI started and left running, its stdout read line by line as it arrives: for commands that
/// stream progress (rollout status), where the test must act between lines.
/// </summary>
public sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private CliProcess(Process process) => _process = process;

    public static CliProcess Start(DroverdProcess server, params string[] args)
    {
        var process = Process.Start(CliRunner.StartInfo(server, redirectInput: false, args))!;
        var cli = new CliProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                cli._lines.Writer.TryComplete();
                return;
            }
            lock (cli._stdout)
                cli._stdout.AppendLine(e.Data);
            cli._lines.Writer.TryWrite(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                lock (cli._stderr)
                    cli._stderr.AppendLine(e.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return cli;
    }

    /// <summary>The next stdout line; fails the test with everything seen so far when none comes in time.</summary>
    public async Task<string> NextLineAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            return await _lines.Reader.ReadAsync(cts.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            throw new Xunit.Sdk.XunitException($"no further line from the CLI ({e.GetType().Name}):\n{Snapshot()}");
        }
    }

    public async Task<CliResult> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(cts.Token);
        // WaitForExitAsync returns after the redirected streams reach end of file.
        lock (_stdout)
            lock (_stderr)
                return new CliResult(_process.ExitCode, _stdout.ToString(), _stderr.ToString());
    }

    private string Snapshot()
    {
        lock (_stdout)
            lock (_stderr)
                return $"--- stdout\n{_stdout}\n--- stderr\n{_stderr}";
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
