namespace Drover.Agent.Configuration;

/// <summary>A flag, config-file key or value the agent cannot start with; the message is the one line shown to the operator.</summary>
internal sealed class AgentOptionsException : Exception
{
    public AgentOptionsException() { }
    public AgentOptionsException(string message) : base(message) { }
    public AgentOptionsException(string message, Exception innerException) : base(message, innerException) { }
}
