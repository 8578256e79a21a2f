namespace Drover.Agent.Images;

/// <summary>
/// When unused images are removed, as the kubelet's image garbage collection: once the image filesystem is
/// <see cref="HighThresholdPercent"/> % full, images no container uses are removed, least recently used first,
/// until it is <see cref="LowThresholdPercent"/> % full; an image first seen less than <see cref="MinimumAge"/> ago
/// is kept. The kubelet's defaults; 100 as the high threshold turns collection off (as the kubelet's).
/// </summary>
internal sealed record ImageGcPolicy
{
    public int HighThresholdPercent { get; init; } = 85;

    public int LowThresholdPercent { get; init; } = 80;

    public TimeSpan MinimumAge { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How often usage is checked (the kubelet's ImageGCPeriod, fixed there at 5 minutes).</summary>
    public TimeSpan Period { get; init; } = TimeSpan.FromMinutes(5);

    public bool Enabled => HighThresholdPercent < 100;
}
