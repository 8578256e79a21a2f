namespace Drover.Agent.Streams;

/// <summary>The kubelet's three streaming endpoints.</summary>
internal enum StreamKind
{
    Exec,
    Attach,
    PortForward,
}
