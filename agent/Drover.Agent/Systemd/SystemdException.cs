namespace Drover.Agent.Systemd;

/// <summary>A failure talking to systemd: the notify socket, logind or systemd's manager over D-Bus.</summary>
internal sealed class SystemdException : Exception
{
    public SystemdException(string message)
        : base(message)
    {
    }

    public SystemdException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
