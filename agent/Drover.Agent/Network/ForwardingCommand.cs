namespace Drover.Agent.Network;

/// <summary>One line of an ip or bridge batch and what it is about (a peer's podCIDR), to name it when the kernel refuses it.</summary>
internal sealed record ForwardingCommand(string Line, string Subject);
