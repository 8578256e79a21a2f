using System.Diagnostics;
using System.Globalization;
using System.Text;
namespace Drover.Testing;

/// <summary>drover-agent as the process it is in production (dotnet drover-agent.dll …, or the published binary), its output kept for assertions and failure messages.</summary>
public sealed class AgentProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log;

    private AgentProcess(Process process, StringBuilder log)
    {
        _process = process;
        _log = log;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the agent wrote to stdout and stderr so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts the agent with <paramref name="args"/>; <paramref name="binaries"/> picks the build (default: the tests' own).</summary>
    public static AgentProcess Start(IEnumerable<string> args, StringBuilder log, DroverBinaries? binaries = null) => Start(args, log, null, binaries);

    /// <summary>As <see cref="Start(IEnumerable{string}, StringBuilder, DroverBinaries?)"/>, with extra environment variables (systemd's NOTIFY_SOCKET, WATCHDOG_USEC…).</summary>
    public static AgentProcess Start(IEnumerable<string> args, StringBuilder log, IReadOnlyDictionary<string, string>? environment, DroverBinaries? binaries = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(log);
        var info = (binaries ?? DroverBinaries.Built).Agent();
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("drover-agent did not start");
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new AgentProcess(process, log);
    }

    /// <summary>Waits until the agent's output contains <paramref name="text"/> (after <paramref name="from"/> characters).</summary>
    public async Task WaitForLogAsync(string text, TimeSpan timeout, int from = 0)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var log = Log;
            if (log.IndexOf(text, Math.Min(from, log.Length), StringComparison.Ordinal) >= 0)
            {
                return;
            }

            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the agent never logged \"{text}\" (exited: {_process.HasExited})\nagent log:\n{log}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash or a power cut.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as systemd stops it; SIGKILL if it does not end within 15 s.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await term!.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    private static void Append(StringBuilder log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.AppendLine(line);
        }
    }
}
