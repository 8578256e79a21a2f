using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Drover.Testing;

/// <summary>
/// The real drover-ingress, as its own process on free loopback ports, fed by a real droverd: for the ingress
/// tests (Kestrel backends) and the end-to-end tests on real pods.
/// </summary>
public sealed class IngressProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private readonly DroverBinaries _binaries;
    private readonly string[] _args;
    private Process _process = null!;

    private IngressProcess(DroverBinaries binaries, string[] args, int httpPort, int httpsPort, int metricsPort)
    {
        _binaries = binaries;
        _args = args;
        HttpPort = httpPort;
        HttpsPort = httpsPort;
        MetricsPort = metricsPort;
    }

    public int HttpPort { get; }
    public int HttpsPort { get; }
    public int MetricsPort { get; }
    public string Output { get { lock (_output) return _output.ToString(); } }
    public bool HasExited => _process.HasExited;
    public int Id => _process.Id;

    public static Task<IngressProcess> StartAsync(string configPath, params string[] extraArgs) =>
        StartAsync(DroverBinaries.Built, configPath, extraArgs);

    public static async Task<IngressProcess> StartAsync(DroverBinaries binaries, string configPath, params string[] extraArgs)
    {
        ArgumentNullException.ThrowIfNull(binaries);
        var (http, https, metrics) = (FreePorts.Next(), FreePorts.Next(), FreePorts.Next());
        string[] args =
        [
            "--config", configPath, "--bind-address", "127.0.0.1",
            "--http-port", Text(http), "--https-port", Text(https), "--metrics-addr", "127.0.0.1:" + Text(metrics),
            "--publish-address", "127.0.0.1",
            .. extraArgs,
        ];
        var ingress = new IngressProcess(binaries, args, http, https, metrics);
        ingress.Launch();
        await ingress.WaitHealthyAsync().ConfigureAwait(false);
        return ingress;
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    /// <summary>Starts the ingress again after <see cref="KillHard"/> or <see cref="StopAsync"/>, on the same ports, and waits until it is healthy.</summary>
    public async Task StartAgainAsync()
    {
        if (!_process.HasExited)
            throw new InvalidOperationException("drover-ingress is still running");
        // Replaced before the old one is disposed: a reader of HasExited or Id meanwhile sees one or the other.
        var exited = _process;
        Launch();
        exited.Dispose();
        await WaitHealthyAsync().ConfigureAwait(false);
    }

    private void Launch()
    {
        var info = _binaries.Ingress();
        foreach (var arg in _args)
            info.ArgumentList.Add(arg);
        var process = Process.Start(info) ?? throw new InvalidOperationException("drover-ingress did not start");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    private async Task WaitHealthyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"drover-ingress exited with {_process.ExitCode}:\n{Output}");
            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{MetricsPort}/healthz")).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(50).ConfigureAwait(false);
        }
        throw new TimeoutException($"drover-ingress did not become healthy within 60 s:\n{Output}");
    }

    /// <summary>The exit code, once <see cref="StopAsync"/> returned.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>SIGTERM, as systemd or a user stops it, then waits for the exit (SIGKILL after 15 s).</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
            return;
        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            await term!.WaitForExitAsync().ConfigureAwait(false);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

}
