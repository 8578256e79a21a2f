namespace Drover.Agent.Volumes;

/// <summary>What the downward API reports as a limit a container did not set: the node's allocatable, as the kubelet.</summary>
internal sealed record NodeResources(long CpuMilli, long MemoryBytes, long EphemeralStorageBytes)
{
    public static NodeResources OfThisHost()
    {
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        long disk = 0;
        try
        {
            disk = new DriveInfo("/").TotalSize;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
        }

        return new NodeResources(Environment.ProcessorCount * 1000L, memory, disk);
    }
}
