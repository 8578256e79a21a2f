using System.Diagnostics;
using System.Globalization;

namespace Drover.Bench.Agent;

/// <summary>
/// A daemon the bench runs (droverd, drover-agent): its output goes to a log file in the run's output directory and
/// its PID to a file in the work directory, so bench/agent.sh can still stop it if this driver dies without cleaning up.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly string _pidFile;
    private readonly Lock _gate = new();
    private readonly List<Action<string>> _listeners = [];
    private bool _closed;

    private ChildProcess(string name, Process process, StreamWriter log, string pidFile)
    {
        Name = name;
        _process = process;
        _log = log;
        _pidFile = pidFile;
    }

    public string Name { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public Task Exited => _process.WaitForExitAsync();

    public static ChildProcess Start(string name, string binary, IEnumerable<string> args, string logPath, string pidFile)
    {
        // setsid: a Ctrl-C in the terminal reaches only the driver, which then stops the daemons in order (pods deleted
        // through droverd and torn down by the agent first). setsid execs in place here (the driver's child is no process
        // group leader), so the PID is the daemon's own.
        var info = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(binary);
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        var log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {binary}");
        File.WriteAllText(pidFile, process.Id.ToString(CultureInfo.InvariantCulture) + "\n");
        var child = new ChildProcess(name, process, log, pidFile);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Completes when a line containing <paramref name="text"/> is logged (or already was not: callers start it first).</summary>
    public Task WaitForLineAsync(string text)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
            _listeners.Add(line => { if (line.Contains(text, StringComparison.Ordinal)) seen.TrySetResult(); });
        return seen.Task;
    }

    /// <summary>Counts the lines containing <paramref name="text"/> from now on; the returned function reads the count.</summary>
    public Func<int> CountLines(string text)
    {
        var count = 0;
        lock (_gate)
            _listeners.Add(line => { if (line.Contains(text, StringComparison.Ordinal)) Interlocked.Increment(ref count); });
        return () => Volatile.Read(ref count);
    }

    private void OnLine(string? line)
    {
        if (line is null)
            return;
        Action<string>[] listeners;
        lock (_gate)
        {
            if (!_closed)
                _log.WriteLine(line);
            listeners = [.. _listeners];
        }
        foreach (var listener in listeners)
            listener(line);
    }

    /// <summary>SIGTERM (the daemons shut down cleanly on it), SIGKILL after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (!_process.HasExited)
        {
            using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", Pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false }))
                if (kill is not null)
                    await kill.WaitForExitAsync().ConfigureAwait(false);
            using var wait = new CancellationTokenSource(grace);
            try
            {
                await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().ConfigureAwait(false);
            }
        }
        File.Delete(_pidFile);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(20)).ConfigureAwait(false);
        _process.Dispose();
        lock (_gate)
        {
            _closed = true;
            _log.Dispose();
        }
    }
}
