using Drover.Api;
using Drover.Cli.Rollout;

namespace Drover.Cli.Rollout.Tests;

public sealed class RollbackTests
{
    private static readonly ReplicaSet[] History =
    [
        RolloutObjects.ReplicaSet(2, "my-app:v2.0", "to v2"),
        RolloutObjects.ReplicaSet(1, "my-app:v1.0", "first"),
    ];

    [Fact]
    public void Plan_NoRevisionGiven_RestoresTheOneBeforeNewest()
    {
        var plan = Rollback.Plan(RolloutObjects.Deployment(image: "my-app:v2.0"), History, 0);
        Assert.Equal(1, plan.Revision);
        var template = plan.Updated!.Spec.Template;
        Assert.Equal("my-app:v1.0", template.Spec.Containers[0].Image);
        Assert.False(template.Metadata!.Labels!.ContainsKey(Revisions.PodTemplateHashLabel));
        Assert.Equal("my-app", template.Metadata.Labels["app"]);
    }

    [Fact]
    public void Plan_ToRevision_RestoresThatOne()
    {
        ReplicaSet[] three = [.. History, RolloutObjects.ReplicaSet(3, "my-app:v3.0")];
        var plan = Rollback.Plan(RolloutObjects.Deployment(image: "my-app:v3.0"), three, 1);
        Assert.Equal(1, plan.Revision);
        Assert.Equal("my-app:v1.0", plan.Updated!.Spec.Template.Spec.Containers[0].Image);
    }

    [Fact]
    public void Plan_PreviousPickedByNumberNotOrder_EvenWhenListedShuffled()
    {
        ReplicaSet[] shuffled = [RolloutObjects.ReplicaSet(1, "v1"), RolloutObjects.ReplicaSet(3, "v3"), RolloutObjects.ReplicaSet(2, "v2")];
        Assert.Equal(2, Rollback.Plan(RolloutObjects.Deployment(image: "v3"), shuffled, 0).Revision);
    }

    [Fact]
    public void Plan_Annotations_ChangeCauseFromReplicaSetDeploymentOwnKept()
    {
        var deployment = RolloutObjects.Deployment();
        deployment = deployment with { Metadata = deployment.Metadata with { Annotations = new(deployment.Metadata.Annotations!) { ["kubectl.kubernetes.io/last-applied-configuration"] = "{}" } } };
        var annotations = Rollback.Plan(deployment, History, 0).Updated!.Metadata.Annotations!;
        Assert.Equal("first", annotations[Revisions.ChangeCauseAnnotation]);
        // The Deployment's own bookkeeping stays; the ReplicaSet's does not travel.
        Assert.Equal("2", annotations[Revisions.RevisionAnnotation]);
        Assert.Equal("{}", annotations["kubectl.kubernetes.io/last-applied-configuration"]);
        Assert.False(annotations.ContainsKey("deployment.kubernetes.io/desired-replicas"));
        // As kubectl: the other annotations become the revision's (the controller copied them onto its ReplicaSet).
        Assert.False(annotations.ContainsKey("team"));
    }

    [Fact]
    public void Plan_KeepsResourceVersionForTheConditionalWrite() =>
        Assert.Equal("7", Rollback.Plan(RolloutObjects.Deployment(), History, 0).Updated!.Metadata.ResourceVersion);

    [Fact]
    public void Plan_TemplateAlreadyMatches_SkipsIgnoringHashLabel()
    {
        var plan = Rollback.Plan(RolloutObjects.Deployment(image: "my-app:v1.0"), History, 0);
        Assert.Null(plan.Updated);
        Assert.Equal(1, plan.Revision);
    }

    [Fact]
    public void Plan_UnknownRevision_NamesItAndTheKnownOnes()
    {
        var e = Assert.Throws<CliException>(() => Rollback.Plan(RolloutObjects.Deployment(), History, 7));
        Assert.Equal("error: unable to find specified revision 7 in history (known revisions: 1, 2)", e.Message);
    }

    [Fact]
    public void Plan_NegativeRevision_NotFound() =>
        Assert.Contains("unable to find specified revision -1", Assert.Throws<CliException>(() => Rollback.Plan(RolloutObjects.Deployment(), History, -1)).Message, StringComparison.Ordinal);

    [Fact]
    public void Plan_OnlyOneRevision_SaysNoHistory()
    {
        var e = Assert.Throws<CliException>(() => Rollback.Plan(RolloutObjects.Deployment(), [History[0]], 0));
        Assert.StartsWith("error: no rollout history found for deployment \"my-app\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_Paused_RefusesWithResumeHint()
    {
        var e = Assert.Throws<CliException>(() => Rollback.Plan(RolloutObjects.Deployment(paused: true), History, 0));
        Assert.Contains("you cannot rollback a paused deployment", e.Message, StringComparison.Ordinal);
        Assert.Contains("drover rollout resume deployment/my-app", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EqualIgnoringHash_LabelOrderAndEmptyMaps_Ignored()
    {
        var a = new PodTemplateSpec
        {
            Metadata = new ObjectMeta { Labels = new() { ["a"] = "1", ["b"] = "2" }, Annotations = [] },
            Spec = new PodSpec { Containers = [new Container { Name = "c", Image = "i" }] },
        };
        var b = a with { Metadata = new ObjectMeta { Labels = new() { ["b"] = "2", [Revisions.PodTemplateHashLabel] = "x", ["a"] = "1" } } };
        Assert.True(PodTemplates.EqualIgnoringHash(a, b));
        Assert.False(PodTemplates.EqualIgnoringHash(a, b with { Spec = new PodSpec { Containers = [new Container { Name = "c", Image = "j" }] } }));
    }
}
