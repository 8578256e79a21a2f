using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Drover.Api.Client;

namespace Drover.Bench.Binding;

/// <summary>
/// A fresh droverd on a free loopback port and a temp data dir, with a node grace period long enough that
/// stand-in nodes without Leases are never marked, and a cluster CIDR with room for a podCIDR per node.
/// </summary>
internal sealed class Droverd : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dataDirectory;

    private Droverd(Process process, string dataDirectory, DroverClient client)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        Client = client;
    }

    public DroverClient Client { get; }

    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public long RssMiB => StatusKiB("VmRSS:") / 1024;

    public long PeakRssMiB => StatusKiB("VmHWM:") / 1024;

    public static async Task<Droverd> StartAsync(string binary)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("drover-bench-binding-").FullName;
        var info = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
        {
            "--data-dir", dataDirectory, "--bind-address", "127.0.0.1", "--port", FreePort().ToString(CultureInfo.InvariantCulture),
            "--node-monitor-grace-period", "1h", "--cluster-cidr", "10.0.0.0/8",
        })
        {
            info.ArgumentList.Add(arg);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {binary}");
        var serving = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("droverd serving", StringComparison.Ordinal) == true)
                serving.TrySetResult();
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (await Task.WhenAny(serving.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60))).ConfigureAwait(false) != serving.Task)
        {
            process.Kill();
            throw new InvalidOperationException("droverd did not start serving");
        }
        var client = new DroverClient(ClientSettings.Load(Path.Combine(dataDirectory, "admin.config")), TimeSpan.FromMinutes(2));
        return new Droverd(process, dataDirectory, client);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
        _process.Dispose();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private long StatusKiB(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        return 0;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
