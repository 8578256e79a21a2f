using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Registry;
using Microsoft.AspNetCore.Http.Features;

namespace Drover.ControlPlane.Api;

/// <summary>
/// <c>GET /api/v1/namespaces/NS/pods/NAME/log</c>: finds the pod's node and proxies the request to that
/// node's agent (its InternalIP, the port in status.daemonEndpoints.kubeletEndpoint, the certificate hash
/// in the <see cref="NodeServing.CertificateHashAnnotation"/> annotation). The agent's body is passed on
/// unbuffered, flushed after every read, so a followed log arrives line by line. The router has already
/// authorised the caller (get on pods/log: the admin, never a node).
/// </summary>
public sealed partial class PodLogEndpoint
{
    /// <summary>How long the agent may take to answer with its status line (the body may then take forever).</summary>
    private static readonly TimeSpan HeadersTimeout = TimeSpan.FromSeconds(30);

    private const int MaxErrorBody = 4096;

    private readonly ObjectService _objects;
    private readonly AgentLogClient _agents;
    private readonly ILogger _logger;
    private readonly IHostApplicationLifetime _lifetime;

    public PodLogEndpoint(ObjectService objects, AgentLogClient agents, IHostApplicationLifetime lifetime, ILogger<PodLogEndpoint> logger)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(agents);
        ArgumentNullException.ThrowIfNull(lifetime);
        ArgumentNullException.ThrowIfNull(logger);
        _objects = objects;
        _agents = agents;
        _lifetime = lifetime;
        _logger = logger;
    }

    public async Task HandleAsync(HttpContext context, ApiPath path)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(path);
        if (context.Request.Method != "GET")
            throw new ApiException(ApiErrors.MethodNotAllowed(context.Request.Method, "pods/log"));
        if (path.Namespace is not { } ns)
            throw new ApiException(ApiErrors.PathNotFound(context.Request.Path.Value ?? ""));
        var options = PodLogOptions.Parse(context.Request.Query);
        var ct = context.RequestAborted;
        var name = path.Name!;
        var pod = await _objects.GetAsync(ResourceTypes.Pods, ns, name, ct).ConfigureAwait(false)
            ?? throw new ApiException(ApiErrors.NotFound(ResourceTypes.Pods, name));
        var container = ChooseContainer(pod, options.Container);
        var agent = await FindAgentAsync(pod, ct).ConfigureAwait(false);
        var agentPath = NodeServing.ContainerLogsPath(ns, name, container) + AgentQuery(options);

        using var response = await SendAsync(agent, agentPath, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new ApiException(await AgentErrorAsync(agent, response, ct).ConfigureAwait(false));

        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await context.Response.StartAsync(ct).ConfigureAwait(false);
        // A follower would otherwise hold droverd's shutdown until the host's timeout.
        using var streaming = CancellationTokenSource.CreateLinkedTokenSource(ct, _lifetime.ApplicationStopping);
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            using var body = await response.Content.ReadAsStreamAsync(streaming.Token).ConfigureAwait(false);
            int read;
            while ((read = await body.ReadAsync(buffer, streaming.Token).ConfigureAwait(false)) > 0)
            {
                await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), streaming.Token).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(streaming.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_lifetime.ApplicationStopping.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            context.Abort();
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !ct.IsCancellationRequested)
        {
            // The status line is sent: the only way left to tell the caller the log is incomplete is to break the stream.
            LogAgentStreamBroke(_logger, agent.NodeName, ns, name, e.Message);
            context.Abort();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The named container (an init container too, as Kubernetes' validateContainer takes any of the pod's), or the only
    /// app container; kubectl's message when a choice is needed, naming init containers first as Kubernetes' VisitContainers does.
    /// </summary>
    internal static string ChooseContainer(Pod pod, string? requested)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var names = (pod.Spec.InitContainers ?? []).Concat(pod.Spec.Containers).Select(c => c.Name).ToList();
        var podName = pod.Metadata.Name;
        if (requested is not null)
        {
            return names.Contains(requested, StringComparer.Ordinal)
                ? requested
                : throw new ApiException(ApiErrors.BadRequest($"container {requested} is not valid for pod {podName}; choose one of: [{string.Join(' ', names)}]"));
        }

        return pod.Spec.Containers.Count == 1
            ? pod.Spec.Containers[0].Name
            : throw new ApiException(ApiErrors.BadRequest($"a container name must be specified for pod {podName}, choose one of: [{string.Join(' ', names)}]"));
    }

    /// <summary>Where the pod's node serves its agent's endpoint (logs and streams), checked; 400 naming what is missing.</summary>
    internal async Task<AgentEndpoint> FindAgentAsync(Pod pod, CancellationToken ct)
    {
        var podName = pod.Metadata.Name;
        var nodeName = pod.Spec.NodeName;
        if (string.IsNullOrEmpty(nodeName))
            throw new ApiException(ApiErrors.BadRequest($"pod {podName} does not have a host assigned: it is not bound to a node yet, so it has no logs"));
        var node = await _objects.GetAsync(ResourceTypes.Nodes, null, nodeName, ct).ConfigureAwait(false)
            ?? throw new ApiException(ApiErrors.BadRequest($"pod {podName} is bound to node {nodeName}, which is not registered"));
        var address = node.Status?.Addresses?.FirstOrDefault(a => a.Type == "InternalIP")?.Address;
        if (string.IsNullOrEmpty(address) || !IPAddress.TryParse(address, out var ip))
            throw new ApiException(ApiErrors.BadRequest($"node {nodeName} has no InternalIP address yet (its agent has not reported status), so the logs of pod {podName} cannot be fetched"));
        var port = node.Status?.DaemonEndpoints?.KubeletEndpoint?.Port ?? 0;
        if (port is <= 0 or > 65535)
            throw new ApiException(ApiErrors.BadRequest($"node {nodeName} does not serve container logs (no status.daemonEndpoints.kubeletEndpoint.Port: its agent runs with --serving-addr off, could not bind its port, or has not reported it yet)"));
        var hash = node.Metadata.Annotations?.GetValueOrDefault(NodeServing.CertificateHashAnnotation);
        if (!IsPinList(hash))
            throw new ApiException(ApiErrors.BadRequest($"node {nodeName} has not published its serving certificate (annotation {NodeServing.CertificateHashAnnotation}), so its agent cannot be trusted with the request"));
        var host = ip.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{ip}]" : ip.ToString();
        return new AgentEndpoint(nodeName, host, port, hash);
    }

    /// <summary>One SHA-256 in hex, or (while the agent renews its certificate) a few separated by commas.</summary>
    internal static bool IsPinList([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? pins)
    {
        if (pins is null or { Length: 0 or > 4 * 65 })
            return false;
        foreach (var range in pins.AsSpan().Split(','))
        {
            var pin = pins.AsSpan(range);
            if (pin.Length != 64 || pin.ContainsAnyExcept("0123456789abcdef"))
                return false;
        }
        return true;
    }

    private async Task<HttpResponseMessage> SendAsync(AgentEndpoint agent, string path, CancellationToken ct)
    {
        using var headers = CancellationTokenSource.CreateLinkedTokenSource(ct);
        headers.CancelAfter(HeadersTimeout);
        try
        {
            return await _agents.GetAsync(agent, path, headers.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            var why = e.InnerException is AuthenticationException
                ? $"the TLS handshake failed ({Innermost(e)}); the agent's certificate must match the hash in the node's {NodeServing.CertificateHashAnnotation} annotation and accept droverd's client certificate"
                : Innermost(e);
            LogAgentUnreachable(_logger, agent.NodeName, agent.Host, agent.Port, why);
            throw new ApiException(ApiErrors.Unavailable($"cannot reach the agent of node {agent.NodeName} at {agent.Host}:{agent.Port.ToString(CultureInfo.InvariantCulture)}: {why}"));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new ApiException(ApiErrors.Unavailable($"the agent of node {agent.NodeName} at {agent.Host}:{agent.Port.ToString(CultureInfo.InvariantCulture)} did not answer within {HeadersTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s"));
        }
    }

    /// <summary>The agent's plain-text error as a Status: what it could not find stays a 404, a bad request a 400.</summary>
    internal static async Task<Status> AgentErrorAsync(AgentEndpoint agent, HttpResponseMessage response, CancellationToken ct)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        var message = Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, MaxErrorBody)).Trim();
        return (int)response.StatusCode switch
        {
            404 => ApiErrors.NotFound(message),
            400 => ApiErrors.BadRequest(message),
            var code => ApiErrors.Unavailable($"the agent of node {agent.NodeName} answered {code.ToString(CultureInfo.InvariantCulture)}: {message}"),
        };
    }

    private static string AgentQuery(PodLogOptions options)
    {
        var query = new StringBuilder();
        void Add(string name, string value) => query.Append(query.Length == 0 ? '?' : '&').Append(name).Append('=').Append(value);
        if (options.Follow)
            Add("follow", "true");
        if (options.TailLines is { } tail)
            Add("tailLines", tail.ToString(CultureInfo.InvariantCulture));
        if (options.Timestamps)
            Add("timestamps", "true");
        if (options.Previous)
            Add("previous", "true");
        if (options.SinceSeconds is { } seconds)
            Add("sinceSeconds", seconds.ToString(CultureInfo.InvariantCulture));
        if (options.SinceTime is { } time)
            Add("sinceTime", Uri.EscapeDataString(Rfc3339.FormatUtc(time, fraction: true)));
        if (options.LimitBytes is { } limit)
            Add("limitBytes", limit.ToString(CultureInfo.InvariantCulture));
        return query.ToString();
    }

    private static string Innermost(Exception e)
    {
        while (e.InnerException is { } inner)
            e = inner;
        return e.Message;
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "cannot reach the agent of node {Node} at {Host}:{Port} for logs: {Error}")]
    private static partial void LogAgentUnreachable(ILogger logger, string node, string host, int port, string error);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "the log stream from node {Node} for pod {Namespace}/{Pod} broke off: {Error}")]
    private static partial void LogAgentStreamBroke(ILogger logger, string node, string @namespace, string pod, string error);
}
