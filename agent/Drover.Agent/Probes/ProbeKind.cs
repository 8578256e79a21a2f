namespace Drover.Agent.Probes;

public enum ProbeKind
{
    Startup,
    Readiness,
    Liveness,
}
