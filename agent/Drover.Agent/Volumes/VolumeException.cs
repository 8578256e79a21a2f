namespace Drover.Agent.Volumes;

/// <summary>A volume could not be set up or torn down (the kubelet's FailedMount): the message says why, for the pod's Event.</summary>
public sealed class VolumeException : Exception
{
    public VolumeException()
    {
    }

    public VolumeException(string message)
        : base(message)
    {
    }

    public VolumeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
