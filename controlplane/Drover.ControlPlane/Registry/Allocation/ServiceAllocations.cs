namespace Drover.ControlPlane.Registry.Allocation;

/// <summary>The offsets one Service holds (or one request took): its cluster IP and its node ports.</summary>
internal sealed record ServiceAllocations(IReadOnlyList<int> IpOffsets, IReadOnlyList<int> PortOffsets)
{
    public static ServiceAllocations None { get; } = new([], []);

    public bool IsEmpty => IpOffsets.Count == 0 && PortOffsets.Count == 0;

    /// <summary>What this holds and <paramref name="other"/> does not.</summary>
    public ServiceAllocations Except(ServiceAllocations other) =>
        new([.. IpOffsets.Except(other.IpOffsets)], [.. PortOffsets.Except(other.PortOffsets)]);
}
