namespace Drover.Agent.Images;

/// <summary>What one garbage-collection round saw and did: usage in percent, bytes it had to free and freed, the images removed.</summary>
internal sealed record ImageGcResult(int UsagePercent, long BytesToFree, long BytesFreed, IReadOnlyList<string> Removed)
{
    public static readonly ImageGcResult Nothing = new(0, 0, 0, []);
}
