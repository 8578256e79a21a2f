using System.Diagnostics;
using Drover.Agent.Cri.V1;
using Drover.Agent.Metrics;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Drover.Agent.Cri;

/// <summary>
/// Typed access to a CRI runtime's RuntimeService and ImageService (runtime.v1) over its unix socket.
/// Every call has a deadline; failures surface as <see cref="CriException"/>, cancellation as
/// <see cref="OperationCanceledException"/>. Thread-safe; one instance per runtime socket.
/// Reconnecting is the channel's job: a call after containerd restarted opens a new connection to the
/// socket; while the socket refuses, calls fail fast as Unavailable and the callers (the pod manager's relist,
/// the workers) back off. Every call's latency goes to drover_agent_cri_request_duration_seconds{method}.
/// </summary>
internal sealed class CriClient : IDisposable
{
    /// <summary>The CRI API version the agent speaks.</summary>
    public const string ApiVersion = "v1";

    private readonly CriClientOptions _options;
    private readonly GrpcChannel _channel;
    private readonly RuntimeService.RuntimeServiceClient _runtime;
    private readonly ImageService.ImageServiceClient _images;

    public CriClient(CriClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _channel = CriChannel.Create(options);
        _runtime = new RuntimeService.RuntimeServiceClient(_channel);
        _images = new ImageService.ImageServiceClient(_channel);
    }

    public string SocketPath => _options.SocketPath;

    public void Dispose() => _channel.Dispose();

    // ---- runtime ----

    public Task<VersionResponse> VersionAsync(CancellationToken cancellationToken = default) =>
        CallAsync("Version", _runtime.VersionAsync, new VersionRequest { Version = ApiVersion }, _options.CallTimeout, cancellationToken);

    public Task<StatusResponse> StatusAsync(bool verbose = false, CancellationToken cancellationToken = default) =>
        CallAsync("Status", _runtime.StatusAsync, new StatusRequest { Verbose = verbose }, _options.CallTimeout, cancellationToken);

    // ---- sandboxes ----

    /// <summary>Creates and starts a sandbox (pause container, network namespace, CNI); returns its id.</summary>
    public async Task<string> RunPodSandboxAsync(PodSandboxConfig config, string runtimeHandler = "", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        var request = new RunPodSandboxRequest { Config = config, RuntimeHandler = runtimeHandler };
        var response = await CallAsync("RunPodSandbox", _runtime.RunPodSandboxAsync, request, _options.SandboxTimeout, cancellationToken).ConfigureAwait(false);
        return response.PodSandboxId;
    }

    /// <summary>
    /// Stops the sandbox and its containers and releases its network. Idempotent: a sandbox that is
    /// already gone counts as stopped (containerd 1.6 answers NotFound there although the CRI says idempotent).
    /// </summary>
    public Task StopPodSandboxAsync(string podSandboxId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(podSandboxId);
        return IgnoreNotFoundAsync(CallAsync("StopPodSandbox", _runtime.StopPodSandboxAsync, new StopPodSandboxRequest { PodSandboxId = podSandboxId }, _options.SandboxTimeout, cancellationToken));
    }

    /// <summary>Removes the sandbox and whatever containers are left in it. Idempotent (gone counts as removed).</summary>
    public Task RemovePodSandboxAsync(string podSandboxId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(podSandboxId);
        return IgnoreNotFoundAsync(CallAsync("RemovePodSandbox", _runtime.RemovePodSandboxAsync, new RemovePodSandboxRequest { PodSandboxId = podSandboxId }, _options.SandboxTimeout, cancellationToken));
    }

    /// <summary>The sandbox's status; throws a NotFound <see cref="CriException"/> when it does not exist.</summary>
    public Task<PodSandboxStatusResponse> PodSandboxStatusAsync(string podSandboxId, bool verbose = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(podSandboxId);
        return CallAsync("PodSandboxStatus", _runtime.PodSandboxStatusAsync, new PodSandboxStatusRequest { PodSandboxId = podSandboxId, Verbose = verbose }, _options.CallTimeout, cancellationToken);
    }

    public async Task<IReadOnlyList<PodSandbox>> ListPodSandboxAsync(PodSandboxFilter? filter = null, CancellationToken cancellationToken = default)
    {
        var response = await CallAsync("ListPodSandbox", _runtime.ListPodSandboxAsync, new ListPodSandboxRequest { Filter = filter }, _options.CallTimeout, cancellationToken).ConfigureAwait(false);
        return response.Items;
    }

    // ---- containers ----

    /// <summary>Creates a container in a sandbox; <paramref name="sandboxConfig"/> is the one the sandbox was run with.</summary>
    public async Task<string> CreateContainerAsync(string podSandboxId, ContainerConfig config, PodSandboxConfig sandboxConfig, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(podSandboxId);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(sandboxConfig);
        var request = new CreateContainerRequest { PodSandboxId = podSandboxId, Config = config, SandboxConfig = sandboxConfig };
        var response = await CallAsync("CreateContainer", _runtime.CreateContainerAsync, request, _options.CallTimeout, cancellationToken).ConfigureAwait(false);
        return response.ContainerId;
    }

    public Task StartContainerAsync(string containerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(containerId);
        return CallAsync("StartContainer", _runtime.StartContainerAsync, new StartContainerRequest { ContainerId = containerId }, _options.CallTimeout, cancellationToken);
    }

    /// <summary>
    /// Sends the stop signal, waits up to <paramref name="gracePeriod"/>, then kills. Idempotent (gone counts as stopped).
    /// The CRI timeout has whole seconds; a sub-second grace rounds up so it never becomes "kill now".
    /// </summary>
    public Task StopContainerAsync(string containerId, TimeSpan gracePeriod, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(containerId);
        ArgumentOutOfRangeException.ThrowIfLessThan(gracePeriod, TimeSpan.Zero);
        var seconds = (long)Math.Ceiling(gracePeriod.TotalSeconds);
        var request = new StopContainerRequest { ContainerId = containerId, Timeout = seconds };
        return IgnoreNotFoundAsync(CallAsync("StopContainer", _runtime.StopContainerAsync, request, TimeSpan.FromSeconds(seconds) + _options.TimeoutMargin, cancellationToken));
    }

    /// <summary>Removes the container (killing it if it still runs). Idempotent (gone counts as removed).</summary>
    public Task RemoveContainerAsync(string containerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(containerId);
        return IgnoreNotFoundAsync(CallAsync("RemoveContainer", _runtime.RemoveContainerAsync, new RemoveContainerRequest { ContainerId = containerId }, _options.CallTimeout, cancellationToken));
    }

    public async Task<IReadOnlyList<Container>> ListContainersAsync(ContainerFilter? filter = null, CancellationToken cancellationToken = default)
    {
        var response = await CallAsync("ListContainers", _runtime.ListContainersAsync, new ListContainersRequest { Filter = filter }, _options.CallTimeout, cancellationToken).ConfigureAwait(false);
        return response.Containers;
    }

    /// <summary>The container's status; with <paramref name="verbose"/> the info map carries the runtime's JSON (pid, spec).</summary>
    public Task<ContainerStatusResponse> ContainerStatusAsync(string containerId, bool verbose = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(containerId);
        return CallAsync("ContainerStatus", _runtime.ContainerStatusAsync, new ContainerStatusRequest { ContainerId = containerId, Verbose = verbose }, _options.CallTimeout, cancellationToken);
    }

    /// <summary>
    /// Runs a command in the container and waits for it (exec probes). A command that outlives
    /// <paramref name="timeout"/> is killed by the runtime and reported as DeadlineExceeded.
    /// </summary>
    public Task<ExecSyncResponse> ExecSyncAsync(string containerId, IEnumerable<string> command, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(containerId);
        ArgumentNullException.ThrowIfNull(command);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        var seconds = (long)Math.Ceiling(timeout.TotalSeconds);
        var request = new ExecSyncRequest { ContainerId = containerId, Timeout = seconds };
        request.Cmd.AddRange(command);
        if (request.Cmd.Count == 0)
        {
            throw new ArgumentException("The command is empty.", nameof(command));
        }

        return CallAsync("ExecSync", _runtime.ExecSyncAsync, request, TimeSpan.FromSeconds(seconds) + _options.TimeoutMargin, cancellationToken);
    }

    /// <summary>Prepares an exec session on the runtime's streaming server; returns its URL (valid once, for a short while).</summary>
    public async Task<string> ExecAsync(ExecRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await CallAsync("Exec", _runtime.ExecAsync, request, _options.CallTimeout, cancellationToken).ConfigureAwait(false);
        return response.Url;
    }

    /// <summary>Prepares an attach session to the container's main process; returns its streaming URL.</summary>
    public async Task<string> AttachAsync(AttachRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await CallAsync("Attach", _runtime.AttachAsync, request, _options.CallTimeout, cancellationToken).ConfigureAwait(false);
        return response.Url;
    }

    /// <summary>Prepares a port-forward session into the sandbox's network namespace; returns its streaming URL.</summary>
    /// <param name="ports">A WebSocket session's ports (the runtime's streaming server reads them from this request); none for SPDY.</param>
    public async Task<string> PortForwardAsync(string podSandboxId, IEnumerable<int>? ports = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(podSandboxId);
        var request = new PortForwardRequest { PodSandboxId = podSandboxId };
        if (ports is not null)
            request.Port.AddRange(ports);
        var response = await CallAsync("PortForward", _runtime.PortForwardAsync, request, _options.CallTimeout, cancellationToken).ConfigureAwait(false);
        return response.Url;
    }

    public async Task<ContainerStats> ContainerStatsAsync(string containerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(containerId);
        var response = await CallAsync("ContainerStats", _runtime.ContainerStatsAsync, new ContainerStatsRequest { ContainerId = containerId }, _options.CallTimeout, cancellationToken).ConfigureAwait(false);
        return response.Stats;
    }

    public async Task<IReadOnlyList<ContainerStats>> ListContainerStatsAsync(ContainerStatsFilter? filter = null, CancellationToken cancellationToken = default)
    {
        var response = await CallAsync("ListContainerStats", _runtime.ListContainerStatsAsync, new ListContainerStatsRequest { Filter = filter }, _options.CallTimeout, cancellationToken).ConfigureAwait(false);
        return response.Stats;
    }

    // ---- images ----

    public async Task<IReadOnlyList<Image>> ListImagesAsync(CancellationToken cancellationToken = default)
    {
        var response = await CallAsync("ListImages", _images.ListImagesAsync, new ListImagesRequest(), _options.CallTimeout, cancellationToken).ConfigureAwait(false);
        return response.Images;
    }

    /// <summary>The image, or null when the runtime does not have it (the CRI answers "not present" with an empty image).</summary>
    public async Task<Image?> ImageStatusAsync(string image, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(image);
        var request = new ImageStatusRequest { Image = new ImageSpec { Image = image } };
        var response = await CallAsync("ImageStatus", _images.ImageStatusAsync, request, _options.CallTimeout, cancellationToken).ConfigureAwait(false);
        return response.Image is { Id.Length: > 0 } found ? found : null;
    }

    /// <summary>Pulls the image; returns the runtime's reference to it (image id). The runtime's message explains failures.</summary>
    public async Task<string> PullImageAsync(string image, AuthConfig? auth = null, PodSandboxConfig? sandboxConfig = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(image);
        var request = new PullImageRequest { Image = new ImageSpec { Image = image }, Auth = auth, SandboxConfig = sandboxConfig };
        var response = await CallAsync("PullImage", _images.PullImageAsync, request, _options.PullTimeout, cancellationToken).ConfigureAwait(false);
        return response.ImageRef;
    }

    /// <summary>Removes the image. Idempotent (gone counts as removed).</summary>
    public Task RemoveImageAsync(string image, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(image);
        return IgnoreNotFoundAsync(CallAsync("RemoveImage", _images.RemoveImageAsync, new RemoveImageRequest { Image = new ImageSpec { Image = image } }, _options.CallTimeout, cancellationToken));
    }

    public async Task<IReadOnlyList<FilesystemUsage>> ImageFsInfoAsync(CancellationToken cancellationToken = default)
    {
        var response = await CallAsync("ImageFsInfo", _images.ImageFsInfoAsync, new ImageFsInfoRequest(), _options.CallTimeout, cancellationToken).ConfigureAwait(false);
        return response.ImageFilesystems;
    }

    private static async Task IgnoreNotFoundAsync<TResponse>(Task<TResponse> call)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        catch (CriException e) when (e.IsNotFound)
        {
        }
    }

    private static async Task<TResponse> CallAsync<TRequest, TResponse>(
        string operation,
        Func<TRequest, CallOptions, AsyncUnaryCall<TResponse>> method,
        TRequest request,
        TimeSpan timeout,
        CancellationToken cancellationToken)
        where TRequest : IMessage
    {
        var options = new CallOptions(deadline: DateTime.UtcNow + timeout, cancellationToken: cancellationToken);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var call = method(request, options);
            return await call.ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            throw new CriException(operation, e.StatusCode, e.Status.Detail, e);
        }
        finally
        {
            // Failed calls too: a runtime that is slow to refuse is as visible as one slow to answer.
            AgentMetrics.CriRequest(operation).Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }
}
