using System.Globalization;
using System.Net;
using System.Security.Authentication;
using System.Text;
using Drover.Api;
using Drover.ControlPlane.Registry;
using Microsoft.AspNetCore.Http.Features;

namespace Drover.ControlPlane.Api;

/// <summary>
/// <c>/api/v1/namespaces/NS/pods/NAME/exec|attach|portforward</c>: checks the query as Kubernetes does, finds the pod's
/// node and forwards the upgrade request to that node's agent (its HTTPS port, droverd's client certificate, the agent's
/// pinned certificate, as for logs). When the agent switches protocols droverd answers 101 with the agent's headers and
/// relays bytes both ways: the stream protocol (SPDY/3.1 or a WebSocket channel protocol) is spoken end to end between the
/// client and the node's container runtime, as between kubectl and the kubelet through kube-apiserver. The router has
/// already authorised the caller (nodes are refused, as Kubernetes' node authorizer refuses kubelets).
/// </summary>
public sealed partial class PodStreamEndpoint
{
    /// <summary>Sessions droverd relays at once; more are answered 429.</summary>
    public const int MaxStreams = 256;

    private const int RelayBufferBytes = 32 * 1024;

    /// <summary>The headers of the client's upgrade request that the agent (and the runtime behind it) needs.</summary>
    private static readonly string[] ForwardedRequestHeaders = ["Upgrade", "X-Stream-Protocol-Version", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Protocol"];

    /// <summary>The headers of the runtime's 101 that the client needs to accept the switch.</summary>
    private static readonly string[] ForwardedResponseHeaders = ["Upgrade", "X-Stream-Protocol-Version", "Sec-WebSocket-Accept", "Sec-WebSocket-Protocol"];

    private readonly ObjectService _objects;
    private readonly PodLogEndpoint _nodes;
    private readonly AgentLogClient _agents;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _slots = new(MaxStreams, MaxStreams);

    public PodStreamEndpoint(ObjectService objects, PodLogEndpoint nodes, AgentLogClient agents, IHostApplicationLifetime lifetime, ILogger<PodStreamEndpoint> logger)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(agents);
        ArgumentNullException.ThrowIfNull(lifetime);
        ArgumentNullException.ThrowIfNull(logger);
        _objects = objects;
        _nodes = nodes;
        _agents = agents;
        _lifetime = lifetime;
        _logger = logger;
    }

    public async Task HandleAsync(HttpContext context, ApiPath path)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(path);
        var subresource = path.Subresource!;
        var method = context.Request.Method;
        if (method is not ("GET" or "POST"))
            throw new ApiException(ApiErrors.MethodNotAllowed(method, $"pods/{subresource}"));
        if (path.Namespace is not { } ns)
            throw new ApiException(ApiErrors.PathNotFound(context.Request.Path.Value ?? ""));
        var options = PodStreamOptions.Parse(subresource, context.Request.Query);
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        if (upgrade is not { IsUpgradableRequest: true })
            throw new ApiException(ApiErrors.BadRequest($"Upgrade request required: pods/{subresource} is a stream (Upgrade: SPDY/3.1 or websocket over HTTP/1.1)"));

        var ct = context.RequestAborted;
        var name = path.Name!;
        var pod = await _objects.GetAsync(ResourceTypes.Pods, ns, name, ct).ConfigureAwait(false) as Pod
            ?? throw new ApiException(ApiErrors.NotFound(ResourceTypes.Pods, name));
        if (pod.Status?.Phase is "Succeeded" or "Failed")
            throw new ApiException(ApiErrors.BadRequest($"cannot {(subresource == "portforward" ? "port-forward to" : subresource + " into")} a container in a completed pod; current phase is {pod.Status.Phase}"));
        var container = subresource == "portforward" ? null : PodLogEndpoint.ChooseContainer(pod, options.Container);
        var agent = await _nodes.FindAgentAsync(pod, ct).ConfigureAwait(false);

        if (!_slots.Wait(0))
            throw new ApiException(ApiErrors.TooManyRequests($"droverd relays at most {MaxStreams} exec, attach and port-forward sessions at once; try again later"));
        try
        {
            var headers = ForwardedRequestHeaders.SelectMany(h => context.Request.Headers[h].Select(v => new KeyValuePair<string, string>(h, v ?? "")));
            using var response = await SendAsync(agent, new HttpMethod(method), options.AgentPath(subresource, ns, name, container), headers, ct).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.SwitchingProtocols)
            {
                var status = (int)response.StatusCode == 429
                    ? ApiErrors.TooManyRequests(await ReadErrorAsync(response, ct).ConfigureAwait(false))
                    : await PodLogEndpoint.AgentErrorAsync(agent, response, ct).ConfigureAwait(false);
                throw new ApiException(status);
            }

            foreach (var header in ForwardedResponseHeaders)
            {
                if (response.Headers.TryGetValues(header, out var values))
                    context.Response.Headers[header] = values.ToArray();
            }

            var agentStream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            await using (agentStream.ConfigureAwait(false))
            {
                var clientStream = await upgrade.UpgradeAsync().ConfigureAwait(false);
                LogRelaying(_logger, subresource, ns, name, agent.NodeName);
                using var session = CancellationTokenSource.CreateLinkedTokenSource(ct, _lifetime.ApplicationStopping);
                var up = PumpAsync(clientStream, agentStream, session.Token);
                var down = PumpAsync(agentStream, clientStream, session.Token);
                await Task.WhenAny(up, down).ConfigureAwait(false);
                await session.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(up, down).ConfigureAwait(false);
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task<HttpResponseMessage> SendAsync(AgentEndpoint agent, HttpMethod method, string path, IEnumerable<KeyValuePair<string, string>> headers, CancellationToken ct)
    {
        using var answer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        answer.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            return await _agents.UpgradeAsync(agent, method, path, headers, answer.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            var why = e.InnerException is AuthenticationException
                ? $"the TLS handshake failed; the agent's certificate must match the node's pinned hash and accept droverd's client certificate ({e.Message})"
                : e.InnerException?.Message ?? e.Message;
            throw new ApiException(ApiErrors.Unavailable($"cannot reach the agent of node {agent.NodeName} at {agent.Host}:{agent.Port.ToString(CultureInfo.InvariantCulture)}: {why}"));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new ApiException(ApiErrors.Unavailable($"the agent of node {agent.NodeName} did not answer the stream request within 30 s"));
        }
    }

    private static async Task<string> ReadErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        return Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 4096)).Trim();
    }

    private static async Task PumpAsync(Stream from, Stream to, CancellationToken ct)
    {
        var buffer = new byte[RelayBufferBytes];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                await to.FlushAsync(ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException or HttpRequestException)
        {
            // One side went away or droverd stops: the other direction ends with it.
        }
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "relaying pods/{Subresource} of {Namespace}/{Pod} to the agent of node {Node}")]
    private static partial void LogRelaying(ILogger logger, string subresource, string @namespace, string pod, string node);
}
