namespace Drover.Agent.Probes;

/// <summary>The outcome of one probe, or a probe's settled state after threshold counting.</summary>
public enum ProbeResult
{
    Unknown = 0,
    Success = 1,
    Failure = 2,
}
