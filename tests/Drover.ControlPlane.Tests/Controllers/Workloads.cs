using System.Globalization;
using Drover.Api;
using Drover.ControlPlane.Controllers.Deployments;

namespace Drover.ControlPlane.Controllers.Tests;

/// <summary>Builders for the in-memory Deployments, ReplicaSets and pods the pure controller tests decide on.</summary>
internal static class Workloads
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public static PodTemplateSpec Template(string image = "app:v1") => new()
    {
        Metadata = new ObjectMeta { Labels = new() { ["app"] = "web" } },
        Spec = new PodSpec { Containers = [new Container { Name = "app", Image = image }] },
    };

    public static Deployment Deployment(int replicas, IntOrString? maxSurge = null, IntOrString? maxUnavailable = null, string strategy = "RollingUpdate", int? progressDeadlineSeconds = 600, long generation = 1) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = new ObjectMeta { Name = "web", Namespace = "ns", Uid = "d-uid", Generation = generation },
        Spec = new DeploymentSpec
        {
            Replicas = replicas,
            Selector = new LabelSelector { MatchLabels = new() { ["app"] = "web" } },
            Template = Template(),
            Strategy = strategy == "Recreate"
                ? new DeploymentStrategy { Type = "Recreate" }
                : new DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new RollingUpdateDeployment { MaxSurge = maxSurge ?? "25%", MaxUnavailable = maxUnavailable ?? "25%" } },
            ProgressDeadlineSeconds = progressDeadlineSeconds,
            RevisionHistoryLimit = 10,
        },
    };

    /// <param name="statusReplicas">Pods the ReplicaSet has (defaults to <paramref name="replicas"/>).</param>
    public static ReplicaSet ReplicaSet(string name, int replicas, int available = 0, int? statusReplicas = null, int ageSeconds = 0, long revision = 1, int? maxReplicas = null, int? desiredReplicas = null)
    {
        var annotations = new Dictionary<string, string> { [Revisions.RevisionAnnotation] = revision.ToString(CultureInfo.InvariantCulture) };
        if (maxReplicas is { } max)
            annotations[Revisions.MaxReplicasAnnotation] = max.ToString(CultureInfo.InvariantCulture);
        if (desiredReplicas is { } desired)
            annotations[Revisions.DesiredReplicasAnnotation] = desired.ToString(CultureInfo.InvariantCulture);
        return new ReplicaSet
        {
            Metadata = new ObjectMeta
            {
                Name = name,
                Namespace = "ns",
                Uid = name + "-uid",
                Generation = 1,
                CreationTimestamp = T0.AddSeconds(-ageSeconds),
                Annotations = annotations,
            },
            Spec = new ReplicaSetSpec { Replicas = replicas, Template = Template() },
            Status = new ReplicaSetStatus
            {
                Replicas = statusReplicas ?? replicas,
                ReadyReplicas = available,
                AvailableReplicas = available,
                ObservedGeneration = 1,
            },
        };
    }

    public static Pod Pod(string name, string? node = "n1", string phase = "Running", bool ready = true, int ageSeconds = 60, int? readyForSeconds = null, int restarts = 0)
    {
        var conditions = new List<PodCondition>
        {
            new() { Type = "Ready", Status = ready ? "True" : "False", LastTransitionTime = T0.AddSeconds(-(readyForSeconds ?? ageSeconds)) },
        };
        return new Pod
        {
            Metadata = new ObjectMeta { Name = name, Namespace = "ns", CreationTimestamp = T0.AddSeconds(-ageSeconds), Labels = new() { ["app"] = "web" } },
            Spec = new PodSpec { NodeName = node, Containers = [new Container { Name = "app", Image = "app:v1" }] },
            Status = new PodStatus
            {
                Phase = phase,
                Conditions = conditions,
                ContainerStatuses = [new ContainerStatus { Name = "app", RestartCount = restarts, Ready = ready }],
            },
        };
    }
}
