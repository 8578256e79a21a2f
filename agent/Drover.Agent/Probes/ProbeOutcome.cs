namespace Drover.Agent.Probes;

/// <summary>One probe's raw result with the reason shown in Unhealthy events.</summary>
public readonly record struct ProbeOutcome(ProbeResult Result, string Message)
{
    public static ProbeOutcome Success { get; } = new(ProbeResult.Success, "");

    public static ProbeOutcome Failure(string message) => new(ProbeResult.Failure, message);
}
