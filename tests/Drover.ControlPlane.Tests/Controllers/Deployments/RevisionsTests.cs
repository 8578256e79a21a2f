using Drover.Api;
using static Drover.ControlPlane.Controllers.Tests.Workloads;

namespace Drover.ControlPlane.Controllers.Deployments.Tests;

public sealed class RevisionsTests
{
    [Fact]
    public void NewReplicaSetAnnotations_NewReplicaSet_RevisionAndReplicaCounts()
    {
        var deployment = Deployment(3, maxSurge: 1, maxUnavailable: 0);
        var candidate = DeploymentController.NewReplicaSetFor(deployment);

        var annotations = Revisions.NewReplicaSetAnnotations(deployment, candidate, 1, exists: false, maxSurge: 1)!;

        Assert.Equal("1", annotations[Revisions.RevisionAnnotation]);
        Assert.Equal("3", annotations[Revisions.DesiredReplicasAnnotation]);
        Assert.Equal("4", annotations[Revisions.MaxReplicasAnnotation]);
    }

    [Fact]
    public void NewReplicaSetAnnotations_TemplateComesBack_TakesNewestRevisionAndKeepsTheOld()
    {
        var deployment = Deployment(3);
        var previous = ReplicaSet("web-v1", 0, revision: 1);

        var annotations = Revisions.NewReplicaSetAnnotations(deployment, previous, 3, exists: true, maxSurge: 1)!;

        Assert.Equal("3", annotations[Revisions.RevisionAnnotation]);
        Assert.Equal("1", annotations[Revisions.RevisionHistoryAnnotation]);
    }

    [Fact]
    public void NewReplicaSetAnnotations_AlreadyNewest_NoChange()
    {
        Assert.Null(Revisions.NewReplicaSetAnnotations(Deployment(3), ReplicaSet("web", 3, revision: 2), 2, exists: true, maxSurge: 1));
    }

    [Fact]
    public void NewReplicaSetAnnotations_DeploymentAnnotations_CopiedExceptRevisionsAndLastApplied()
    {
        var deployment = Deployment(3) with
        {
            Metadata = Deployment(3).Metadata with
            {
                Annotations = new()
                {
                    ["team"] = "edge",
                    [Revisions.RevisionAnnotation] = "7",
                    [Revisions.LastAppliedAnnotation] = "{}",
                },
            },
        };

        var annotations = Revisions.NewReplicaSetAnnotations(deployment, ReplicaSet("web", 3, revision: 2), 2, exists: true, maxSurge: 1)!;

        Assert.Equal("edge", annotations["team"]);
        Assert.Equal("2", annotations[Revisions.RevisionAnnotation]);
        Assert.False(annotations.ContainsKey(Revisions.LastAppliedAnnotation));
    }

    [Fact]
    public void Max_ReplicaSetsWithAndWithoutRevision_HighestParsed()
    {
        var unannotated = ReplicaSet("x", 0) with { Metadata = ReplicaSet("x", 0).Metadata with { Annotations = null } };

        Assert.Equal(4, Revisions.Max([ReplicaSet("a", 0, revision: 2), ReplicaSet("b", 0, revision: 4), unannotated]));
    }

    [Fact]
    public void NewReplicaSetFor_Deployment_HashInNameSelectorAndTemplateLabels()
    {
        var deployment = Deployment(3);

        var rs = DeploymentController.NewReplicaSetFor(deployment);

        var hash = PodTemplateHash.Compute(deployment.Spec.Template, null);
        Assert.Equal("web-" + hash, rs.Metadata.Name);
        Assert.Equal(hash, rs.Spec.Selector!.MatchLabels![PodTemplateHash.Label]);
        Assert.Equal("web", rs.Spec.Selector.MatchLabels["app"]);
        Assert.Equal(hash, rs.Spec.Template.Metadata!.Labels![PodTemplateHash.Label]);
        Assert.Equal(hash, rs.Metadata.Labels![PodTemplateHash.Label]);
        var owner = Assert.Single(rs.Metadata.OwnerReferences!);
        Assert.Equal(("Deployment", "d-uid", true, true), (owner.Kind, owner.Uid, owner.Controller, owner.BlockOwnerDeletion));
        Assert.False(deployment.Spec.Template.Metadata!.Labels!.ContainsKey(PodTemplateHash.Label));
    }
}
