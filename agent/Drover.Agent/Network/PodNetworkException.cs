namespace Drover.Agent.Network;

/// <summary>The pod network cannot be set up as the cluster describes it (a settings ConfigMap that does not read).</summary>
internal sealed class PodNetworkException : Exception
{
    public PodNetworkException() { }
    public PodNetworkException(string message) : base(message) { }
    public PodNetworkException(string message, Exception innerException) : base(message, innerException) { }
}
