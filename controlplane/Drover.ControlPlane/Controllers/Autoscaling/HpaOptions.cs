namespace Drover.ControlPlane.Controllers.Autoscaling;

/// <summary>The HPA controller's settings (kube-controller-manager's --horizontal-pod-autoscaler-* flags).</summary>
public sealed record HpaOptions
{
    /// <summary>--horizontal-pod-autoscaler-sync-period: how often every HPA is reconciled.</summary>
    public TimeSpan SyncPeriod { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>--horizontal-pod-autoscaler-downscale-stabilization: the scale-down window when an HPA sets none.</summary>
    public TimeSpan DownscaleStabilizationWindow { get; init; } = TimeSpan.FromMinutes(5);

    public ReplicaCalculatorOptions Calculator { get; init; } = new();
}
