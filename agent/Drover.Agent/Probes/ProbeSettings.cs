using Drover.Api;

namespace Drover.Agent.Probes;

/// <summary>A probe's timing with Kubernetes' defaults filled in (the server defaults them too; a pod written before defaulting still works).</summary>
public readonly record struct ProbeSettings(TimeSpan InitialDelay, TimeSpan Period, TimeSpan Timeout, int SuccessThreshold, int FailureThreshold)
{
    public static ProbeSettings From(Probe probe, ProbeKind kind)
    {
        ArgumentNullException.ThrowIfNull(probe);
        // Liveness and startup must succeed once to count: Kubernetes rejects successThreshold != 1 there.
        var success = kind == ProbeKind.Readiness ? Math.Max(1, probe.SuccessThreshold ?? 1) : 1;
        return new ProbeSettings(
            TimeSpan.FromSeconds(Math.Max(0, probe.InitialDelaySeconds ?? 0)),
            TimeSpan.FromSeconds(Math.Max(1, probe.PeriodSeconds ?? 10)),
            TimeSpan.FromSeconds(Math.Max(1, probe.TimeoutSeconds ?? 1)),
            success,
            Math.Max(1, probe.FailureThreshold ?? 3));
    }
}
