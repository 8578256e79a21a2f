using System.Globalization;
using Drover.Agent.Cri;
using Drover.Agent.Images;
using Drover.Agent.Pods.Actions;
using Drover.Api;
using Microsoft.Extensions.Logging;
using CriV1 = Drover.Agent.Cri.V1;

namespace Drover.Agent.Pods.Execution;

/// <summary>
/// Makes a container's image present by its imagePullPolicy, as the kubelet's image manager: a pull that failed
/// waits out its own back-off (ImagePullBackOff) before the next one. Records the Pulling/Pulled/Failed events.
/// One per pod worker.
/// </summary>
internal sealed partial class ImagePuller
{
    private readonly CriClient _cri;
    private readonly EventRecorder _events;
    private readonly TimeSpan _resyncInterval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RestartBackoff _backoff;
    private readonly Dictionary<string, (DateTimeOffset At, string Message)> _errors = new(StringComparer.Ordinal);

    public ImagePuller(CriClient cri, EventRecorder events, PodManagerOptions options, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(cri);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _cri = cri;
        _events = events;
        _resyncInterval = options.ResyncInterval;
        _time = time;
        _logger = logger;
        _backoff = new RestartBackoff(options.BackoffInitial, options.BackoffMax);
    }

    /// <summary>Null when the image is there; otherwise why the container waits (ErrImagePull, ImagePullBackOff, ErrImageNeverPull, InvalidImageName).</summary>
    /// <param name="pullSecrets">The pod's imagePullSecrets as read for this sync (<see cref="PullCredentials"/> picks what fits the image).</param>
    public async Task<ContainerWaiting?> EnsureAsync(Pod pod, Container spec, CriV1.PodSandboxConfig sandboxConfig, IReadOnlyList<Secret> pullSecrets, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pullSecrets);
        var image = spec.Image ?? "";
        if (image.Length == 0)
        {
            return NotCreated("InvalidImageName", "the container has no image", null);
        }

        var policy = spec.ImagePullPolicy ?? DefaultPullPolicy(image);
        if (policy != "Always" && await _cri.ImageStatusAsync(image, ct).ConfigureAwait(false) is not null)
        {
            _events.Record(pod, EventRecorder.Normal, "Pulled", $"Container image \"{image}\" already present on machine", spec.Name);
            return null;
        }

        if (policy == "Never")
        {
            var message = $"Container image \"{image}\" is not present with pull policy of Never";
            _events.Record(pod, EventRecorder.Warning, "ErrImageNeverPull", message, spec.Name);
            return NotCreated("ErrImageNeverPull", message, now + _resyncInterval);
        }

        if (_errors.TryGetValue(image, out var error) && _backoff.BackoffUntil(image, error.At, now) is { } until)
        {
            return NotCreated("ImagePullBackOff", $"Back-off pulling image \"{image}\": {error.Message}", until);
        }

        _events.Record(pod, EventRecorder.Normal, "Pulling", $"Pulling image \"{image}\"", spec.Name);
        var started = _time.GetTimestamp();
        try
        {
            await PullAsync(image, PullCredentials.For(image, pullSecrets), sandboxConfig, ct).ConfigureAwait(false);
        }
        catch (CriException e) when (!e.IsUnavailable)
        {
            _backoff.Next(image, now);
            _errors[image] = (now, e.RuntimeMessage);
            _events.Record(pod, EventRecorder.Warning, "Failed", $"Failed to pull image \"{image}\": {e.RuntimeMessage}", spec.Name);
            LogPullFailed(CriConfigFactory.Namespace(pod), pod.Metadata.Name, image, e.RuntimeMessage);
            // Sync again right away so the status moves on to ImagePullBackOff for the wait.
            return NotCreated("ErrImagePull", e.RuntimeMessage, now);
        }

        _errors.Remove(image);
        _backoff.Reset(image);
        var took = _time.GetElapsedTime(started);
        _events.Record(pod, EventRecorder.Normal, "Pulled", $"Successfully pulled image \"{image}\" in {took.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s", spec.Name);
        return null;
    }

    /// <summary>
    /// As the kubelet's pullImage with a keyring: without matching credentials an anonymous pull; otherwise each
    /// matching credential in turn (the most specific first) until one pull succeeds; the last failure is the answer.
    /// </summary>
    private async Task PullAsync(string image, IReadOnlyList<CriV1.AuthConfig> credentials, CriV1.PodSandboxConfig sandboxConfig, CancellationToken ct)
    {
        if (credentials.Count == 0)
        {
            await _cri.PullImageAsync(image, sandboxConfig: sandboxConfig, cancellationToken: ct).ConfigureAwait(false);
            return;
        }

        for (var i = 0; ; i++)
        {
            try
            {
                await _cri.PullImageAsync(image, credentials[i], sandboxConfig, ct).ConfigureAwait(false);
                return;
            }
            catch (CriException e) when (!e.IsUnavailable && i < credentials.Count - 1)
            {
                // The next credential may be the one the registry takes.
            }
        }
    }

    /// <summary>Kubernetes' default when the server has not filled it in: a moving "latest" tag is pulled every time.</summary>
    internal static string DefaultPullPolicy(string image)
    {
        var at = image.IndexOf('@', StringComparison.Ordinal);
        var name = at >= 0 ? image[..at] : image;
        var lastSegment = name[(name.LastIndexOf('/') + 1)..];
        var colon = lastSegment.LastIndexOf(':');
        var tag = colon >= 0 ? lastSegment[(colon + 1)..] : (at >= 0 ? "" : "latest");
        return tag == "latest" ? "Always" : "IfNotPresent";
    }

    private static ContainerWaiting NotCreated(string reason, string message, DateTimeOffset? until) =>
        new() { Kind = ContainerWaitingKind.NotCreated, Reason = reason, Message = message, Until = until };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pod {Namespace}/{Pod}: pulling {Image} failed: {Error}")]
    private partial void LogPullFailed(string @namespace, string? pod, string image, string error);
}
