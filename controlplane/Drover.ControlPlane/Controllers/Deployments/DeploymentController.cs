using Drover.Api;
using Drover.ControlPlane.Api;
using Drover.ControlPlane.Controllers.Framework;
using Drover.ControlPlane.Registry;
using Drover.ControlPlane.Informers;
using Drover.ControlPlane.Events;

namespace Drover.ControlPlane.Controllers.Deployments;

/// <summary>
/// Rolls Deployments out through ReplicaSets (Kubernetes' DeploymentController): one ReplicaSet per pod
/// template, named and labelled by the template's hash; a rolling update bounded by maxSurge and
/// maxUnavailable and gated on availability, or Recreate; proportional scaling; revision history and its
/// cleanup; pause; progress deadline; and the status kubectl reads. Level-triggered on Deployment keys: each
/// sync takes one step from what the caches show and the ReplicaSet changes it causes bring the next sync.
/// </summary>
public sealed partial class DeploymentController : QueueController
{
    public const string Component = "deployment-controller";

    private readonly ObjectService _objects;
    private readonly Informer _deployments;
    private readonly Informer _replicaSets;
    private readonly Informer _pods;
    private readonly EventRecorder _events;
    private readonly TimeProvider _time;
    private readonly ILogger<DeploymentController> _logger;

    public DeploymentController(ObjectService objects, SharedInformers informers, EventWriter events, TimeProvider time, ILogger<DeploymentController> logger)
        : base("Deployment", time, logger)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(informers);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _objects = objects;
        _time = time;
        _logger = logger;
        _events = events.ForComponent(Component);
        _deployments = informers.For(ResourceTypes.Deployments);
        _replicaSets = informers.For(ResourceTypes.ReplicaSets);
        _pods = informers.For(ResourceTypes.Pods);
        WorkloadIndexes.EnsureOn(_replicaSets);
        WorkloadIndexes.EnsureOn(_pods);
        _deployments.AddHandler(OnDeploymentChanged);
        _replicaSets.AddHandler(OnReplicaSetChanged);
        _pods.AddHandler(OnPodChanged);
    }

    protected override IEnumerable<Informer> Caches => [_deployments, _replicaSets, _pods];

    protected override async Task SyncAsync(string key, CancellationToken ct)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (_deployments.Get(key[..slash], key[(slash + 1)..]) is not Deployment deployment)
            return;

        Selector selector;
        try
        {
            selector = Selector.FromLabelSelector(deployment.Spec.Selector);
        }
        catch (FormatException e)
        {
            LogInvalidSelector(_logger, key, e.Message);
            return;
        }

        var rollout = new Rollout(deployment, await ClaimReplicaSetsAsync(deployment, selector, ct).ConfigureAwait(false));
        if (deployment.Metadata.DeletionTimestamp is not null)
        {
            await SyncStatusOnlyAsync(rollout, ct).ConfigureAwait(false);
            return;
        }

        await CheckPausedConditionsAsync(rollout, ct).ConfigureAwait(false);
        if (deployment.Spec.Paused == true || await IsScalingEventAsync(rollout, ct).ConfigureAwait(false))
        {
            await SyncScaleAsync(rollout, ct).ConfigureAwait(false);
            return;
        }
        if (RolloutMath.IsRollingUpdate(deployment))
            await RolloutRollingAsync(rollout, ct).ConfigureAwait(false);
        else
            await RolloutRecreateAsync(rollout, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The ReplicaSets this Deployment controls, after adopting orphans its selector matches and releasing
    /// owned ones that no longer match (Kubernetes' ReplicaSetControllerRefManager.ClaimReplicaSets).
    /// </summary>
    private async Task<List<ReplicaSet>> ClaimReplicaSetsAsync(Deployment deployment, Selector selector, CancellationToken ct)
    {
        var ns = deployment.Metadata.Namespace ?? "";
        var deleting = deployment.Metadata.DeletionTimestamp is not null;
        var claimed = new List<ReplicaSet>();
        foreach (var obj in _replicaSets.ByIndex(WorkloadIndexes.ByControllerUid, deployment.Metadata.Uid ?? ""))
        {
            if (obj is not ReplicaSet rs || rs.Metadata.Namespace != ns)
                continue;
            if (selector.Matches(rs.Metadata.Labels))
                claimed.Add(rs);
            else if (!deleting)
                await UpdateOwnershipAsync(rs with { Metadata = ControllerRefs.WithoutOwner(rs.Metadata, deployment.Metadata.Uid ?? "") }, ct).ConfigureAwait(false);
        }
        if (deleting)
            return claimed;

        bool? canAdopt = null;
        foreach (var obj in _replicaSets.ByIndex(WorkloadIndexes.OrphansByNamespace, ns))
        {
            if (obj is not ReplicaSet rs || rs.Metadata.DeletionTimestamp is not null || !selector.Matches(rs.Metadata.Labels))
                continue;
            canAdopt ??= await _objects.GetAsync(ResourceTypes.Deployments, ns, deployment.Metadata.Name!, ct).ConfigureAwait(false) is { } fresh
                && fresh.Metadata.Uid == deployment.Metadata.Uid && fresh.Metadata.DeletionTimestamp is null;
            if (!canAdopt.Value)
                break;
            var adopted = rs with { Metadata = ControllerRefs.WithController(rs.Metadata, ControllerRefs.For(ResourceTypes.Deployments, deployment)) };
            if (await UpdateOwnershipAsync(adopted, ct).ConfigureAwait(false) is { } written)
                claimed.Add(written);
        }
        return claimed;
    }

    private async Task<ReplicaSet?> UpdateOwnershipAsync(ReplicaSet rs, CancellationToken ct)
    {
        try
        {
            return await _objects.UpdateAsync(ResourceTypes.ReplicaSets, rs, statusOnly: false, ct).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.Status.Code == 404)
        {
            return null;
        }
    }

    /// <summary>A Deployment being deleted only reports; its ReplicaSets go with the garbage collector.</summary>
    private async Task SyncStatusOnlyAsync(Rollout rollout, CancellationToken ct)
    {
        var (newRS, _) = await GetAllReplicaSetsAndSyncRevisionAsync(rollout, create: false, ct).ConfigureAwait(false);
        await SyncStatusAsync(rollout, newRS, ct).ConfigureAwait(false);
    }

    /// <summary>Paused and resumed show in Progressing (Unknown), so the deadline counts from the resume, not from before the pause.</summary>
    private async Task CheckPausedConditionsAsync(Rollout rollout, CancellationToken ct)
    {
        var deployment = rollout.Deployment;
        if (!DeploymentStatusMath.HasProgressDeadline(deployment))
            return;
        var condition = DeploymentConditions.Get(deployment.Status, DeploymentConditions.Progressing);
        if (condition?.Reason == DeploymentConditions.ProgressDeadlineExceeded)
            return;
        var paused = deployment.Spec.Paused == true;
        var pausedShown = condition?.Reason == DeploymentConditions.DeploymentPaused;
        var now = _time.GetUtcNow();
        var status = deployment.Status ?? new DeploymentStatus();
        if (paused && !pausedShown)
            status = DeploymentConditions.Set(status, DeploymentConditions.New(DeploymentConditions.Progressing, "Unknown", DeploymentConditions.DeploymentPaused, "Deployment is paused", now));
        else if (!paused && pausedShown)
            status = DeploymentConditions.Set(status, DeploymentConditions.New(DeploymentConditions.Progressing, "Unknown", DeploymentConditions.DeploymentResumed, "Deployment is resumed", now));
        else
            return;
        await WriteStatusAsync(rollout, status, ct).ConfigureAwait(false);
    }

    /// <summary>A ReplicaSet sized for another replica count than the Deployment asks for: the user scaled (Kubernetes isScalingEvent).</summary>
    private async Task<bool> IsScalingEventAsync(Rollout rollout, CancellationToken ct)
    {
        var (newRS, old) = await GetAllReplicaSetsAndSyncRevisionAsync(rollout, create: false, ct).ConfigureAwait(false);
        var desired = RolloutMath.Desired(rollout.Deployment);
        foreach (var rs in RolloutMath.Active([.. old, newRS]))
        {
            if (Revisions.DesiredReplicas(rs) is { } annotated && annotated != desired)
                return true;
        }
        return false;
    }

    /// <summary>Scaling (also while paused): sizes only, no rollout progress; then the status (Kubernetes sync).</summary>
    private async Task SyncScaleAsync(Rollout rollout, CancellationToken ct)
    {
        var (newRS, old) = await GetAllReplicaSetsAndSyncRevisionAsync(rollout, create: false, ct).ConfigureAwait(false);
        foreach (var step in RolloutMath.Scale(rollout.Deployment, newRS, old))
            await ScaleReplicaSetAsync(rollout, step.ReplicaSet, step.Replicas, ct).ConfigureAwait(false);
        if (rollout.Deployment.Spec.Paused == true)
            await CleanupAsync(rollout, old, ct).ConfigureAwait(false);
        await SyncStatusAsync(rollout, newRS, ct).ConfigureAwait(false);
    }

    private async Task SyncStatusAsync(Rollout rollout, ReplicaSet? newRS, CancellationToken ct)
    {
        var status = DeploymentStatusMath.Calculate(rollout.Deployment, rollout.ReplicaSets, rollout.CurrentOrNull(newRS), _time.GetUtcNow());
        if (!DeploymentStatusMath.StatusEquals(rollout.Deployment.Status, status))
            await WriteStatusAsync(rollout, status, ct).ConfigureAwait(false);
    }

    private async Task WriteStatusAsync(Rollout rollout, DeploymentStatus status, CancellationToken ct) =>
        rollout.Deployment = await _objects.UpdateAsync(ResourceTypes.Deployments, rollout.Deployment with { Status = status }, statusOnly: true, ct).ConfigureAwait(false);
}
