using Drover.Api;

namespace Drover.Cli.Rollout;

/// <summary>
/// kubectl's DeploymentStatusViewer: the progress line for a Deployment as its status reads now. Pure, so
/// every branch is tested without a controller; the wording is kubectl's, since scripts grep for it.
/// </summary>
internal static class RolloutStatus
{
    /// <summary>The Progressing condition's reason once progressDeadlineSeconds has passed without progress.</summary>
    public const string TimedOutReason = "ProgressDeadlineExceeded";

    /// <summary>
    /// The state of <paramref name="deployment"/>'s rollout; <paramref name="revision"/> &gt; 0 pins the
    /// revision being watched. Throws <see cref="CliException"/> when the rollout has failed.
    /// </summary>
    public static RolloutState Of(Deployment deployment, long revision = 0)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var name = deployment.Metadata.Name;
        if (revision > 0)
        {
            var current = Revisions.Of(deployment) ?? throw new CliException($"error: cannot get the revision of deployment \"{name}\": the {Revisions.RevisionAnnotation} annotation is not a number");
            if (current != revision)
                throw new CliException($"error: desired revision ({revision}) is different from the running revision ({current})");
        }
        var status = deployment.Status ?? new DeploymentStatus();
        // Until the controller has seen the latest spec, the counts describe the previous one.
        if ((deployment.Metadata.Generation ?? 0) > (status.ObservedGeneration ?? 0))
            return new RolloutState("Waiting for deployment spec update to be observed...", false);

        var progressing = status.Conditions?.FirstOrDefault(c => c.Type == "Progressing");
        if (progressing?.Reason == TimedOutReason)
            throw new CliException($"error: deployment \"{name}\" exceeded its progress deadline");
        var updated = status.UpdatedReplicas ?? 0;
        var replicas = status.Replicas ?? 0;
        var available = status.AvailableReplicas ?? 0;
        if (deployment.Spec.Replicas is { } desired && updated < desired)
            return new RolloutState($"Waiting for deployment \"{name}\" rollout to finish: {updated} out of {desired} new replicas have been updated...", false);
        if (replicas > updated)
            return new RolloutState($"Waiting for deployment \"{name}\" rollout to finish: {replicas - updated} old replicas are pending termination...", false);
        if (available < updated)
            return new RolloutState($"Waiting for deployment \"{name}\" rollout to finish: {available} of {updated} updated replicas are available...", false);
        return new RolloutState($"deployment \"{name}\" successfully rolled out", true);
    }

    /// <summary>kubectl's DaemonSetStatusViewer.</summary>
    public static RolloutState Of(DaemonSet daemonSet)
    {
        ArgumentNullException.ThrowIfNull(daemonSet);
        var name = daemonSet.Metadata.Name;
        if (daemonSet.Spec.UpdateStrategy?.Type is { } type && type != "RollingUpdate")
            throw new CliException("error: rollout status is only available for RollingUpdate strategy type");
        var status = daemonSet.Status ?? new DaemonSetStatus();
        if ((daemonSet.Metadata.Generation ?? 0) > (status.ObservedGeneration ?? 0))
            return new RolloutState("Waiting for daemon set spec update to be observed...", false);
        var updated = status.UpdatedNumberScheduled ?? 0;
        var available = status.NumberAvailable ?? 0;
        if (updated < status.DesiredNumberScheduled)
            return new RolloutState($"Waiting for daemon set \"{name}\" rollout to finish: {updated} out of {status.DesiredNumberScheduled} new pods have been updated...", false);
        if (available < status.DesiredNumberScheduled)
            return new RolloutState($"Waiting for daemon set \"{name}\" rollout to finish: {available} of {status.DesiredNumberScheduled} updated pods are available...", false);
        return new RolloutState($"daemon set \"{name}\" successfully rolled out", true);
    }
}
