namespace Drover.ControlPlane.Leadership;

/// <summary>
/// kube-controller-manager's --leader-elect-* durations, tuned so that a leader killed outright is replaced within
/// about <see cref="LeaseDuration"/> + <see cref="RetryPeriod"/> (3.5 s by default), and a leader that cannot renew
/// stops acting <see cref="RenewDeadline"/> after its last renewal, before the lease it held can expire for the others.
/// </summary>
public sealed record LeaderElectionOptions
{
    /// <summary>How long the others wait, after they last saw the lease change, before they take it over.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long the leader keeps acting without a successful renewal; must be shorter than the lease duration.</summary>
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the leader renews and the others look at the lease.</summary>
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromMilliseconds(500);

    public string LeaseNamespace { get; init; } = "kube-system";

    public string LeaseName { get; init; } = "droverd";

    /// <summary>Throws when the durations cannot give the guarantee: renew deadline below the lease, retry period below the deadline.</summary>
    public void Validate()
    {
        if (RetryPeriod <= TimeSpan.Zero || RenewDeadline <= RetryPeriod || LeaseDuration <= RenewDeadline)
            throw new ArgumentException(
                $"leader election needs 0 < --leader-elect-retry-period ({RetryPeriod.TotalSeconds}s) < --leader-elect-renew-deadline ({RenewDeadline.TotalSeconds}s) < --leader-elect-lease-duration ({LeaseDuration.TotalSeconds}s)");
    }
}
