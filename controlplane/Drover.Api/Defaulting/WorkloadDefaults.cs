namespace Drover.Api;

/// <summary>Kubernetes SetDefaults_Deployment and SetDefaults_ReplicaSet (apps/v1).</summary>
internal static class WorkloadDefaults
{
    /// <summary>A rollout may take a quarter of the pods away and add a quarter more at a time.</summary>
    public const string DefaultMaxUnavailable = "25%";
    public const string DefaultMaxSurge = "25%";
    public const int DefaultRevisionHistoryLimit = 10;
    public const int DefaultProgressDeadlineSeconds = 600;

    public static Deployment Apply(Deployment deployment)
    {
        var spec = deployment.Spec;
        if (spec is null)
            return deployment;
        return deployment with
        {
            Spec = spec with
            {
                Replicas = spec.Replicas ?? 1,
                Strategy = ApplyToStrategy(spec.Strategy),
                RevisionHistoryLimit = spec.RevisionHistoryLimit ?? DefaultRevisionHistoryLimit,
                ProgressDeadlineSeconds = spec.ProgressDeadlineSeconds ?? DefaultProgressDeadlineSeconds,
                Template = PodDefaults.ApplyToTemplate(spec.Template)!,
            },
        };
    }

    public static ReplicaSet Apply(ReplicaSet replicaSet)
    {
        var spec = replicaSet.Spec;
        if (spec is null)
            return replicaSet;
        return replicaSet with
        {
            Spec = spec with
            {
                Replicas = spec.Replicas ?? 1,
                Template = PodDefaults.ApplyToTemplate(spec.Template)!,
            },
        };
    }

    /// <summary>Kubernetes SetDefaults_DaemonSet: RollingUpdate one node at a time, no surge, 10 revisions kept.</summary>
    public static DaemonSet Apply(DaemonSet daemonSet)
    {
        var spec = daemonSet.Spec;
        if (spec is null)
            return daemonSet;
        var strategy = spec.UpdateStrategy ?? new DaemonSetUpdateStrategy();
        var type = string.IsNullOrEmpty(strategy.Type) ? "RollingUpdate" : strategy.Type;
        strategy = strategy with { Type = type };
        if (type == "RollingUpdate")
        {
            var rolling = strategy.RollingUpdate ?? new RollingUpdateDaemonSet();
            strategy = strategy with
            {
                RollingUpdate = rolling with { MaxUnavailable = rolling.MaxUnavailable ?? new IntOrString(1), MaxSurge = rolling.MaxSurge ?? new IntOrString(0) },
            };
        }
        return daemonSet with
        {
            Spec = spec with
            {
                UpdateStrategy = strategy,
                RevisionHistoryLimit = spec.RevisionHistoryLimit ?? DefaultRevisionHistoryLimit,
                Template = PodDefaults.ApplyToTemplate(spec.Template)!,
            },
        };
    }

    private static DeploymentStrategy ApplyToStrategy(DeploymentStrategy? strategy)
    {
        var type = string.IsNullOrEmpty(strategy?.Type) ? "RollingUpdate" : strategy.Type;
        var result = (strategy ?? new DeploymentStrategy()) with { Type = type };
        if (type != "RollingUpdate")
            return result;
        var rolling = strategy?.RollingUpdate ?? new RollingUpdateDeployment();
        return result with
        {
            RollingUpdate = rolling with
            {
                MaxUnavailable = rolling.MaxUnavailable ?? new IntOrString(DefaultMaxUnavailable),
                MaxSurge = rolling.MaxSurge ?? new IntOrString(DefaultMaxSurge),
            },
        };
    }
}
