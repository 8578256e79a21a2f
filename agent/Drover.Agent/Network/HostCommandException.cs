namespace Drover.Agent.Network;

/// <summary>A host network tool could not run or refused a change.</summary>
internal sealed class HostCommandException : Exception
{
    public HostCommandException() { }
    public HostCommandException(string message) : base(message) { }
    public HostCommandException(string message, Exception innerException) : base(message, innerException) { }
}
