using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Drover.Api.Client;

namespace Drover.Testing;

/// <summary>
/// A real droverd, started as its own process on a loopback port with a private data directory.
/// Killing it with SIGKILL is as real as a crash gets.
/// </summary>
public sealed class DroverdProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private readonly bool _ownsDataDirectory;
    private readonly string[] _extraArgs;
    private readonly DroverBinaries _binaries;
    private Process _process = null!;

    /// <summary>Where the current process's output starts in <see cref="Output"/> (readiness is read from there).</summary>
    private int _outputStart;

    private DroverdProcess(string dataDirectory, int port, bool ownsDataDirectory, string[] extraArgs, DroverBinaries binaries)
    {
        _binaries = binaries;
        DataDirectory = dataDirectory;
        Port = port;
        _ownsDataDirectory = ownsDataDirectory;
        _extraArgs = extraArgs;
    }

    public string DataDirectory { get; }
    public int Port { get; }
    public string ClientConfigPath => Path.Combine(DataDirectory, "admin.config");

    /// <summary>The client config droverd writes for drover-ingress (its narrower identity).</summary>
    public string IngressConfigPath => Path.Combine(DataDirectory, "ingress.config");
    public string Output { get { lock (_output) return _output.ToString(); } }
    public bool HasExited => _process.HasExited;

    /// <summary>The current process's id (it changes when droverd is started again).</summary>
    public int Id => _process.Id;

    private string CurrentOutput { get { lock (_output) return _output.ToString(_outputStart, _output.Length - _outputStart); } }

    public static Task<DroverdProcess> StartAsync(string? dataDirectory = null, params string[] extraArgs) =>
        StartFromAsync(DroverBinaries.Built, dataDirectory, extraArgs);

    /// <summary>droverd from <paramref name="binaries"/> (the published Native AOT binary for benchmarks).</summary>
    public static async Task<DroverdProcess> StartFromAsync(DroverBinaries binaries, string? dataDirectory, params string[] extraArgs)
    {
        ArgumentNullException.ThrowIfNull(binaries);
        ArgumentNullException.ThrowIfNull(extraArgs);
        var owns = dataDirectory is null;
        dataDirectory ??= Directory.CreateTempSubdirectory("droverd-test-").FullName;
        var droverd = new DroverdProcess(dataDirectory, FreePorts.Next(), owns, extraArgs, binaries);
        droverd.Launch();
        await droverd.WaitReadyAsync().ConfigureAwait(false);
        return droverd;
    }

    /// <summary>
    /// Starts droverd again after <see cref="StopAsync"/> or <see cref="KillHard"/>: same data directory and
    /// port, so clients and agents find it where they left it (a control plane coming back after an outage).
    /// </summary>
    public async Task StartAgainAsync()
    {
        if (!_process.HasExited)
            throw new InvalidOperationException("droverd is still running");
        // Replaced before the old one is disposed: a reader of HasExited or Id meanwhile sees one or the other.
        var exited = _process;
        Launch();
        exited.Dispose();
        await WaitReadyAsync().ConfigureAwait(false);
    }

    private void Launch()
    {
        var info = _binaries.Droverd();
        foreach (var arg in new[] { "--data-dir", DataDirectory, "--bind-address", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture) }.Concat(_extraArgs))
            info.ArgumentList.Add(arg);
        // The tests' nodes share this machine's network namespace (one per node only in the multi-host harness):
        // droverd's default, vxlan, would have every agent add the same VXLAN device here. A test of a backend names it.
        if (!_extraArgs.Contains("--pod-network"))
        {
            info.ArgumentList.Add("--pod-network");
            info.ArgumentList.Add("none");
        }
        lock (_output)
            _outputStart = _output.Length;
        var process = Process.Start(info) ?? throw new InvalidOperationException("droverd did not start");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    public DroverClient Client(TimeSpan? timeout = null) => new(ClientSettings.Load(ClientConfigPath), timeout);

    /// <summary>A client whose token is replaced: for authentication tests.</summary>
    public DroverClient ClientWithToken(string token) => new(ClientSettings.Load(ClientConfigPath) with { Token = token });

    public void KillHard()
    {
        // Process.Kill sends SIGKILL on Unix: no shutdown code in droverd runs.
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public async Task StopAsync()
    {
        if (_process.HasExited)
            return;
        using var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await term!.WaitForExitAsync().ConfigureAwait(false);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            KillHard();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _process.Dispose();
        if (_ownsDataDirectory)
        {
            try { Directory.Delete(DataDirectory, recursive: true); }
            catch (IOException) { }
        }
    }

    private async Task WaitReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"droverd exited with {_process.ExitCode}:\n{Output}");
            if (File.Exists(ClientConfigPath) && CurrentOutput.Contains("droverd serving", StringComparison.Ordinal))
            {
                using var client = Client();
                try
                {
                    await client.GetRawAsync("/readyz").ConfigureAwait(false);
                    return;
                }
                catch (ApiClientException)
                {
                    // Not listening yet.
                }
            }
            await Task.Delay(50).ConfigureAwait(false);
        }
        KillHard();
        throw new TimeoutException($"droverd did not become ready within 60 s:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

}
