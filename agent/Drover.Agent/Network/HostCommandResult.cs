namespace Drover.Agent.Network;

/// <summary>What a host tool answered.</summary>
internal sealed record HostCommandResult(int ExitCode, string Stdout, string Stderr);
