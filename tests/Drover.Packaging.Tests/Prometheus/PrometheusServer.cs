using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Drover.Testing;

namespace Drover.Packaging.Prometheus.Tests;

/// <summary>
/// The real Prometheus server (Debian package prometheus) on a free loopback port, with its TSDB in a temporary
/// directory removed on dispose. Its HTTP API is what the tests assert through, as an operator's tools would.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus";

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _storage;
    private readonly HttpClient _http;

    private PrometheusServer(Process process, string storage, int port)
    {
        _process = process;
        _storage = storage;
        Url = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        _http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(10) };
    }

    public Uri Url { get; }

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>Starts Prometheus on <paramref name="configPath"/> and waits until /-/ready answers 200; throws, never skips, when it is not installed.</summary>
    public static async Task<PrometheusServer> StartAsync(string configPath)
    {
        if (!File.Exists(Binary))
            throw new InvalidOperationException($"{Binary} is missing: the Prometheus tests need the Debian package prometheus (./build.sh deps installs it)");
        var storage = Directory.CreateTempSubdirectory("drover-prometheus-tsdb-").FullName;
        var port = FreePorts.Next();
        var info = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
                 {
                     "--config.file=" + configPath, "--storage.tsdb.path=" + storage,
                     "--web.listen-address=127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture),
                 })
            info.ArgumentList.Add(arg);
        var process = Process.Start(info) ?? throw new InvalidOperationException("prometheus did not start");
        var server = new PrometheusServer(process, storage, port);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitReadyAsync().ConfigureAwait(false);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return server;
    }

    /// <summary>GET /api/v1/… and the "data" member of a successful answer; throws with the answer otherwise.</summary>
    public async Task<JsonElement> ApiAsync(string pathAndQuery)
    {
        using var response = await _http.GetAsync(new Uri(pathAndQuery, UriKind.Relative)).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        using var json = JsonDocument.Parse(body);
        if (!response.IsSuccessStatusCode || json.RootElement.GetProperty("status").GetString() != "success")
            throw new InvalidOperationException($"Prometheus {pathAndQuery}: {(int)response.StatusCode} {body}");
        return json.RootElement.GetProperty("data").Clone();
    }

    /// <summary>An instant query's result vector (empty when no series matches).</summary>
    public async Task<IReadOnlyList<JsonElement>> QueryAsync(string promql) =>
        [.. (await ApiAsync("/api/v1/query?query=" + Uri.EscapeDataString(promql)).ConfigureAwait(false)).GetProperty("result").EnumerateArray()];

    private async Task WaitReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"prometheus exited with {_process.ExitCode}:\n{Output}");
            try
            {
                using var response = await _http.GetAsync(new Uri("/-/ready", UriKind.Relative)).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(100).ConfigureAwait(false);
        }
        throw new TimeoutException($"prometheus was not ready within 60 s:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            // SIGTERM: Prometheus closes its TSDB cleanly; SIGKILL only if it hangs.
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
        _process.Dispose();
        try
        {
            Directory.Delete(_storage, recursive: true);
        }
        catch (IOException)
        {
            // Left to the machine's tmp clean-up.
        }
    }
}
