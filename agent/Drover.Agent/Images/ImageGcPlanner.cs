namespace Drover.Agent.Images;

/// <summary>The kubelet's image garbage collection decisions, pure: how much to free, and which images, in which order.</summary>
internal static class ImageGcPlanner
{
    /// <summary>
    /// Bytes to free so that usage comes down to the low threshold, or 0 while usage is under the high one (the kubelet:
    /// usage = 100 − available·100/capacity, in whole percent; to free = capacity·(100 − low)/100 − available).
    /// </summary>
    public static long BytesToFree(long capacityBytes, long availableBytes, ImageGcPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (!policy.Enabled || capacityBytes <= 0)
            return 0;
        var usagePercent = UsagePercent(capacityBytes, availableBytes);
        if (usagePercent < policy.HighThresholdPercent)
            return 0;
        return Math.Max(0, capacityBytes * (100 - policy.LowThresholdPercent) / 100 - availableBytes);
    }

    public static int UsagePercent(long capacityBytes, long availableBytes) =>
        capacityBytes <= 0 ? 0 : 100 - (int)(Math.Clamp(availableBytes, 0, capacityBytes) * 100 / capacityBytes);

    /// <summary>
    /// The images to remove, in order: not in use, not pinned, first seen at least the minimum age ago; least recently
    /// used first (then first seen earliest), until their sizes add up to <paramref name="bytesToFree"/>.
    /// </summary>
    public static IReadOnlyList<ImageCandidate> SelectForRemoval(IEnumerable<ImageCandidate> images, DateTimeOffset now, TimeSpan minimumAge, long bytesToFree)
    {
        ArgumentNullException.ThrowIfNull(images);
        var chosen = new List<ImageCandidate>();
        if (bytesToFree <= 0)
            return chosen;
        long freed = 0;
        foreach (var image in images
            .Where(i => !i.InUse && !i.Pinned && now - i.FirstDetected >= minimumAge)
            .OrderBy(i => i.LastUsed)
            .ThenBy(i => i.FirstDetected)
            .ThenBy(i => i.Id, StringComparer.Ordinal))
        {
            chosen.Add(image);
            freed += image.SizeBytes;
            if (freed >= bytesToFree)
                break;
        }
        return chosen;
    }
}
