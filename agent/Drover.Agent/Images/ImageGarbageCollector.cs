using System.Globalization;
using System.Text.Json;
using Drover.Agent.Cri;
using Drover.Agent.Metrics;
using Drover.Agent.Node;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.Images;

/// <summary>
/// The kubelet's image garbage collection through the CRI: every <see cref="ImageGcPolicy.Period"/> it reads the image
/// filesystem (ImageFsInfo's mount point, then statvfs for its size and free space) and, at or above the high
/// threshold, removes (RemoveImage) images no container on the node uses — running or exited, so the stopped
/// containers of live pods keep theirs —, that no pod bound here names, that are not pinned (the CRI's flag, and the
/// runtime's sandbox image, which every new pod needs even when no registry is reachable) and that were first seen
/// at least the minimum age ago; least recently used first, until usage is down to the low threshold. Each round that
/// removes something records a Normal <c>ImageGCFreed</c> Event on the Node naming the images and bytes; falling short
/// is the kubelet's Warning <c>FreeDiskSpaceFailed</c>. First-seen and last-used times live in memory, as the kubelet's:
/// after a restart nothing is old enough for the minimum age.
/// </summary>
internal sealed partial class ImageGarbageCollector
{
    private readonly CriClient _cri;
    private readonly Func<IReadOnlyCollection<string>> _podImages;
    private readonly Action<string, string, string> _nodeEvent;
    private readonly ImageGcPolicy _policy;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, (DateTimeOffset FirstDetected, DateTimeOffset LastUsed)> _records = new(StringComparer.Ordinal);
    private string? _sandboxImage;

    /// <param name="podImages">The container images of the pods bound to this node (as their specs name them).</param>
    /// <param name="nodeEvent">Records an Event about this Node: type, reason, message.</param>
    public ImageGarbageCollector(CriClient cri, Func<IReadOnlyCollection<string>> podImages, Action<string, string, string> nodeEvent, ImageGcPolicy policy, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(cri);
        ArgumentNullException.ThrowIfNull(podImages);
        ArgumentNullException.ThrowIfNull(nodeEvent);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _cri = cri;
        _podImages = podImages;
        _nodeEvent = nodeEvent;
        _policy = policy;
        _time = time;
        _logger = logger;
    }

    public async Task RunAsync(CancellationToken ct)
    {
        if (!_policy.Enabled)
            return;
        using var timer = new PeriodicTimer(_policy.Period, _time);
        try
        {
            // A first round at start records what is there (first detected now, so nothing is old enough yet).
            do
            {
                try
                {
                    await CollectAsync(ct).ConfigureAwait(false);
                }
                catch (CriException e)
                {
                    LogRoundFailed(e.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>One round: detect images and their use, and free space if usage is at or above the high threshold.</summary>
    public async Task<ImageGcResult> CollectAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var images = await _cri.ListImagesAsync(ct).ConfigureAwait(false);
        var inUse = await ImagesInUseAsync(ct).ConfigureAwait(false);
        _sandboxImage ??= await SandboxImageAsync(ct).ConfigureAwait(false);
        var present = new HashSet<string>(StringComparer.Ordinal);
        var candidates = new List<ImageCandidate>(images.Count);
        foreach (var image in images)
        {
            present.Add(image.Id);
            var used = inUse.Contains(image.Id);
            var record = _records.TryGetValue(image.Id, out var known) ? known : (FirstDetected: now, LastUsed: DateTimeOffset.MinValue);
            if (used)
                record.LastUsed = now;
            _records[image.Id] = record;
            var pinned = image.Pinned || (_sandboxImage is { } sandbox && (image.RepoTags.Contains(sandbox) || image.Id == sandbox));
            candidates.Add(new ImageCandidate(image.Id, (long)Math.Min(image.Size, long.MaxValue), record.FirstDetected, record.LastUsed, used, pinned));
        }
        foreach (var gone in _records.Keys.Where(id => !present.Contains(id)).ToList())
            _records.Remove(gone);

        var filesystem = (await _cri.ImageFsInfoAsync(ct).ConfigureAwait(false)).FirstOrDefault()?.FsId?.Mountpoint;
        if (string.IsNullOrEmpty(filesystem))
        {
            LogNoImageFilesystem();
            return ImageGcResult.Nothing;
        }
        var (capacity, available) = HostFacts.Disk(filesystem);
        var usage = ImageGcPlanner.UsagePercent(capacity, available);
        AgentMetrics.ImageFsUsage.Set(usage);
        var toFree = ImageGcPlanner.BytesToFree(capacity, available, _policy);
        if (toFree <= 0)
            return new ImageGcResult(usage, 0, 0, []);

        LogOverThreshold(usage, _policy.HighThresholdPercent, toFree, _policy.LowThresholdPercent);
        var removed = new List<string>();
        long freed = 0;
        foreach (var image in ImageGcPlanner.SelectForRemoval(candidates, now, _policy.MinimumAge, toFree))
        {
            try
            {
                await _cri.RemoveImageAsync(image.Id, ct).ConfigureAwait(false);
            }
            catch (CriException e) when (!ct.IsCancellationRequested)
            {
                // A container created since the listing holds it, or the runtime refused: the next candidate.
                LogRemoveFailed(image.Id, e.Message);
                continue;
            }
            _records.Remove(image.Id);
            var name = images.First(i => i.Id == image.Id) is { RepoTags.Count: > 0 } tagged ? tagged.RepoTags[0] : image.Id;
            removed.Add(name);
            freed += image.SizeBytes;
            AgentMetrics.ImageGcRemovedImages.Inc();
            AgentMetrics.ImageGcFreedBytes.Inc(image.SizeBytes);
            LogRemoved(name, image.SizeBytes);
        }
        if (removed.Count > 0)
        {
            _nodeEvent("Normal", "ImageGCFreed", string.Create(CultureInfo.InvariantCulture,
                $"Image filesystem {usage}% full (high threshold {_policy.HighThresholdPercent}%): removed {removed.Count} unused image(s), {freed} bytes, to bring it to {_policy.LowThresholdPercent}%: {string.Join(", ", removed)}"));
        }
        if (freed < toFree)
        {
            // The kubelet's words.
            _nodeEvent("Warning", "FreeDiskSpaceFailed", string.Create(CultureInfo.InvariantCulture,
                $"Failed to garbage collect required amount of images. Attempted to free {toFree} bytes, but only found {freed} bytes eligible to free."));
        }
        return new ImageGcResult(usage, toFree, freed, removed);
    }

    /// <summary>Image ids the runtime's containers use (any state: an exited container of a live pod restarts from it) and those the bound pods name.</summary>
    private async Task<HashSet<string>> ImagesInUseAsync(CancellationToken ct)
    {
        var inUse = new HashSet<string>(StringComparer.Ordinal);
        foreach (var container in await _cri.ListContainersAsync(cancellationToken: ct).ConfigureAwait(false))
        {
            if (container.ImageRef is { Length: > 0 } reference)
                inUse.Add(reference);
            if (container.ImageId is { Length: > 0 } id)
                inUse.Add(id);
            if (container.Image?.Image is { Length: > 0 } named)
                inUse.Add(named);
        }
        // A pod bound here whose containers are not created yet (pulled, about to start) names its image: resolve it.
        foreach (var image in _podImages().Distinct(StringComparer.Ordinal))
        {
            if (await _cri.ImageStatusAsync(image, ct).ConfigureAwait(false) is { } status)
                inUse.Add(status.Id);
        }
        return inUse;
    }

    /// <summary>The runtime's sandbox image (containerd's CRI config "sandboxImage", in its verbose status), or null.</summary>
    private async Task<string?> SandboxImageAsync(CancellationToken ct)
    {
        var status = await _cri.StatusAsync(verbose: true, ct).ConfigureAwait(false);
        if (!status.Info.TryGetValue("config", out var config))
            return null;
        try
        {
            using var json = JsonDocument.Parse(config);
            return json.RootElement.TryGetProperty("sandboxImage", out var image) && image.ValueKind == JsonValueKind.String ? image.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "image garbage collection: round failed: {Error}")]
    private partial void LogRoundFailed(string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "image garbage collection: the runtime reports no image filesystem")]
    private partial void LogNoImageFilesystem();

    [LoggerMessage(Level = LogLevel.Information, Message = "image filesystem {Usage}% full, at or over the high threshold {High}%: freeing {Bytes} bytes to reach {Low}%")]
    private partial void LogOverThreshold(int usage, int high, long bytes, int low);

    [LoggerMessage(Level = LogLevel.Information, Message = "removed unused image {Image} ({Bytes} bytes)")]
    private partial void LogRemoved(string image, long bytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "could not remove image {Image}: {Error}")]
    private partial void LogRemoveFailed(string image, string error);
}
