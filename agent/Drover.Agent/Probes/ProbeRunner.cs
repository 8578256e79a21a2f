using System.Globalization;
using System.Net.Sockets;
using Drover.Agent.Cri;
using Drover.Api;
using Grpc.Core;

namespace Drover.Agent.Probes;

/// <summary>
/// Runs single httpGet, tcpSocket and exec probes as the kubelet does: HTTP 200–399 is success, HTTPS is
/// not verified, redirects are not followed (a 3xx is success), every attempt has its own timeout.
/// Thread-safe; one per agent.
/// </summary>
internal sealed class ProbeRunner : IDisposable
{
    private readonly HttpClient _http;
    private readonly CriClient _cri;

    public ProbeRunner(CriClient cri)
    {
        ArgumentNullException.ThrowIfNull(cri);
        _cri = cri;
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            // Probes are rare and go to many pods: do not keep idle connections to every pod around.
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(1),
            SslOptions = new System.Net.Security.SslClientAuthenticationOptions
            {
                // As the kubelet: probes check liveness, not identity; pods use self-signed certificates.
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            },
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("drover-probe/1.0");
    }

    public void Dispose() => _http.Dispose();

    public async Task<ProbeOutcome> RunAsync(Probe probe, ProbeTarget target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(target);
        try
        {
            if (probe.Exec is { } exec)
            {
                return await ExecAsync(exec, target, timeout, cancellationToken).ConfigureAwait(false);
            }

            if (probe.HttpGet is { } httpGet)
            {
                return await HttpGetAsync(httpGet, target, timeout, cancellationToken).ConfigureAwait(false);
            }

            if (probe.TcpSocket is { } tcp)
            {
                return await TcpAsync(tcp, target, timeout, cancellationToken).ConfigureAwait(false);
            }

            return ProbeOutcome.Failure("the probe has no handler (httpGet, tcpSocket or exec)");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ProbeOutcome.Failure($"probe timed out after {timeout.TotalSeconds:0.#}s");
        }
    }

    /// <summary>A numeric port, or the container port of that name; -1 when the name is unknown.</summary>
    public static int ResolvePort(IntOrString port, Container container)
    {
        ArgumentNullException.ThrowIfNull(container);
        if (!port.IsString)
        {
            return port.IntValue;
        }

        if (int.TryParse(port.StringValue, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        foreach (var p in container.Ports ?? [])
        {
            if (string.Equals(p.Name, port.StringValue, StringComparison.Ordinal))
            {
                return p.Port;
            }
        }

        return -1;
    }

    /// <summary>The URL an httpGet probe requests (host defaults to the pod IP, path to "/").</summary>
    public static Uri BuildUri(HttpGetAction action, string podIp, int port)
    {
        ArgumentNullException.ThrowIfNull(action);
        var scheme = string.Equals(action.Scheme, "HTTPS", StringComparison.OrdinalIgnoreCase) ? "https" : "http";
        var host = string.IsNullOrEmpty(action.Host) ? podIp : action.Host;
        if (host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('['))
        {
            host = "[" + host + "]";
        }

        var path = string.IsNullOrEmpty(action.Path) ? "/" : action.Path;
        if (!path.StartsWith('/'))
        {
            path = "/" + path;
        }

        return new Uri(string.Create(CultureInfo.InvariantCulture, $"{scheme}://{host}:{port}{path}"));
    }

    private async Task<ProbeOutcome> HttpGetAsync(HttpGetAction action, ProbeTarget target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var port = ResolvePort(action.Port, target.Container);
        if (port is <= 0 or > 65535)
        {
            return ProbeOutcome.Failure($"unknown port {action.Port}");
        }

        var uri = BuildUri(action, target.PodIp, port);
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.ConnectionClose = true;
        foreach (var header in action.HttpHeaders ?? [])
        {
            if (string.Equals(header.Name, "Host", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.Host = header.Value;
            }
            else
            {
                request.Headers.Remove(header.Name);
                request.Headers.TryAddWithoutValidation(header.Name, header.Value);
            }
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            var code = (int)response.StatusCode;
            return code is >= 200 and < 400
                ? ProbeOutcome.Success
                : ProbeOutcome.Failure(string.Create(CultureInfo.InvariantCulture, $"HTTP probe failed with statuscode: {code}"));
        }
        catch (HttpRequestException e)
        {
            return ProbeOutcome.Failure($"Get \"{uri}\": {e.Message}");
        }
    }

    private static async Task<ProbeOutcome> TcpAsync(TcpSocketAction action, ProbeTarget target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var port = ResolvePort(action.Port, target.Container);
        if (port is <= 0 or > 65535)
        {
            return ProbeOutcome.Failure($"unknown port {action.Port}");
        }

        var host = string.IsNullOrEmpty(action.Host) ? target.PodIp : action.Host;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(host, port, deadline.Token).ConfigureAwait(false);
            return ProbeOutcome.Success;
        }
        catch (SocketException e)
        {
            return ProbeOutcome.Failure(string.Create(CultureInfo.InvariantCulture, $"dial tcp {host}:{port}: {e.Message}"));
        }
    }

    private async Task<ProbeOutcome> ExecAsync(ExecAction action, ProbeTarget target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (action.Command is not { Count: > 0 } command)
        {
            return ProbeOutcome.Failure("exec probe without a command");
        }

        try
        {
            var response = await _cri.ExecSyncAsync(target.ContainerId, command, timeout, cancellationToken).ConfigureAwait(false);
            if (response.ExitCode == 0)
            {
                return ProbeOutcome.Success;
            }

            var output = (response.Stdout.ToStringUtf8() + response.Stderr.ToStringUtf8()).Trim();
            return ProbeOutcome.Failure(string.Create(CultureInfo.InvariantCulture, $"command {string.Join(' ', command)} exited with {response.ExitCode}: {Truncate(output, 256)}"));
        }
        catch (CriException e) when (e.StatusCode == StatusCode.DeadlineExceeded)
        {
            return ProbeOutcome.Failure($"command timed out after {timeout.TotalSeconds:0.#}s");
        }
        catch (CriException e)
        {
            return ProbeOutcome.Failure($"exec failed: {e.RuntimeMessage}");
        }
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];
}
