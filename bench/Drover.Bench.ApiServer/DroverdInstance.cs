using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Drover.Api.Client;

namespace Drover.Bench.ApiServer;

/// <summary>
/// One fresh droverd (the published AOT binary) on a free loopback port with a temp data dir; stopped with SIGTERM and
/// its data dir deleted on dispose. Its log is kept under the run's output directory.
/// </summary>
internal sealed class DroverdInstance : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly TaskCompletionSource _serving = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _closed;

    private DroverdInstance(Process process, StreamWriter log, string dataDirectory, int port)
    {
        _process = process;
        _log = log;
        DataDirectory = dataDirectory;
        Port = port;
    }

    public string DataDirectory { get; }
    public int Port { get; }
    public int Pid => _process.Id;
    public DroverClient Client { get; private set; } = null!;
    public ClientSettings Settings { get; private set; } = null!;

    /// <param name="extraArguments">Flags after the data dir, port and address (e.g. a cluster CIDR with room for 1,000 nodes).</param>
    public static async Task<DroverdInstance> StartAsync(string binary, string logPath, IReadOnlyList<string>? extraArguments = null)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "drover-bench-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dataDirectory);
        var port = FreeLoopbackPort();
        var info = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--data-dir", dataDirectory, "--bind-address", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture) })
            info.ArgumentList.Add(arg);
        foreach (var arg in extraArguments ?? [])
            info.ArgumentList.Add(arg);
        var log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {binary}");
        var instance = new DroverdInstance(process, log, dataDirectory, port);
        process.OutputDataReceived += (_, e) => instance.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => instance.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = Task.Delay(TimeSpan.FromSeconds(30));
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(instance._serving.Task, exited, deadline).ConfigureAwait(false);
        if (first != instance._serving.Task)
        {
            await instance.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException(first == exited
                ? $"droverd exited (code {process.ExitCode}) before serving; log: {logPath}"
                : $"droverd did not log \"droverd serving\" within 30 s; log: {logPath}");
        }

        var config = Path.Combine(dataDirectory, "admin.config");
        for (var i = 0; i < 100 && !File.Exists(config); i++)
            await Task.Delay(50).ConfigureAwait(false);
        instance.Settings = ClientSettings.Load(config);
        instance.Client = new DroverClient(instance.Settings, TimeSpan.FromSeconds(60));
        for (var i = 0; ; i++)
        {
            try
            {
                await instance.Client.GetRawAsync("/readyz").ConfigureAwait(false);
                break;
            }
            catch (ApiClientException) when (i < 100)
            {
                await Task.Delay(50).ConfigureAwait(false);
            }
        }
        return instance;
    }

    private void OnLine(string? line)
    {
        if (line is null)
            return;
        lock (_log)
        {
            if (!_closed)
                _log.WriteLine(line);
        }
        if (line.Contains("droverd serving", StringComparison.Ordinal))
            _serving.TrySetResult();
    }

    /// <summary>User + system CPU seconds droverd has used (from /proc/PID/stat, 100 ticks a second).</summary>
    public double CpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{Pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    /// <summary>VmRSS and VmHWM of droverd, in bytes.</summary>
    public (long Rss, long Hwm) Memory()
    {
        long rss = 0, hwm = 0;
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                rss = ParseKb(line);
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                hwm = ParseKb(line);
        }
        return (rss, hwm);
    }

    private static long ParseKb(string line)
    {
        var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(parts[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>Apparent size of every file in the data dir, and of the SQLite files (state.db*) alone.</summary>
    public (long Total, long Database, long Wal) DataDirectorySize()
    {
        long total = 0, db = 0, wal = 0;
        foreach (var file in new DirectoryInfo(DataDirectory).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            total += file.Length;
            if (file.Name == "state.db")
                db += file.Length;
            else if (file.Name == "state.db-wal")
                wal += file.Length;
        }
        return (total, db, wal);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (!_process.HasExited)
        {
            // SIGTERM for a clean shutdown (the store finishes its queued commits), SIGKILL if it hangs.
            using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false }))
                if (kill is not null)
                    await kill.WaitForExitAsync().ConfigureAwait(false);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
                await _process.WaitForExitAsync().ConfigureAwait(false);
            }
        }
        _process.Dispose();
        lock (_log)
        {
            _closed = true;
            _log.Dispose();
        }
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp dir left behind is harmless.
        }
    }
}
