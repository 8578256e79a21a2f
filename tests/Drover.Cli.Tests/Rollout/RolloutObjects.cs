using Drover.Api;
using Drover.Cli.Rollout;

namespace Drover.Cli.Rollout.Tests;

/// <summary>Deployments and ReplicaSets shaped as droverd returns them, for the pure rollout logic.</summary>
internal static class RolloutObjects
{
    public const string DeploymentUid = "d-uid";

    public static Deployment Deployment(int replicas = 3, long generation = 2, DeploymentStatus? status = null, string image = "my-app:v2.0", bool paused = false) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = new ObjectMeta
        {
            Name = "my-app",
            Namespace = "default",
            Uid = DeploymentUid,
            Generation = generation,
            ResourceVersion = "7",
            Annotations = new() { [Revisions.RevisionAnnotation] = "2", ["team"] = "web" },
        },
        Spec = new DeploymentSpec
        {
            Replicas = replicas,
            Paused = paused ? true : null,
            Selector = new LabelSelector { MatchLabels = new() { ["app"] = "my-app" } },
            Template = Template(image),
        },
        Status = status,
    };

    public static PodTemplateSpec Template(string image, string? hash = null)
    {
        var labels = new Dictionary<string, string> { ["app"] = "my-app" };
        if (hash is not null)
            labels[Revisions.PodTemplateHashLabel] = hash;
        return new PodTemplateSpec
        {
            Metadata = new ObjectMeta { Labels = labels },
            Spec = new PodSpec { Containers = [new Container { Name = "app", Image = image }] },
        };
    }

    public static ReplicaSet ReplicaSet(long? revision, string image, string? changeCause = null, string ownerUid = DeploymentUid)
    {
        var hash = "h" + image.GetHashCode(StringComparison.Ordinal).ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        var annotations = new Dictionary<string, string> { ["deployment.kubernetes.io/desired-replicas"] = "3" };
        if (revision is not null)
            annotations[Revisions.RevisionAnnotation] = revision.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (changeCause is not null)
            annotations[Revisions.ChangeCauseAnnotation] = changeCause;
        return new ReplicaSet
        {
            Metadata = new ObjectMeta
            {
                Name = "my-app-" + hash,
                Namespace = "default",
                Annotations = annotations,
                OwnerReferences = [new OwnerReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "my-app", Uid = ownerUid, Controller = true }],
            },
            Spec = new ReplicaSetSpec { Replicas = 0, Template = Template(image, hash) },
        };
    }
}
