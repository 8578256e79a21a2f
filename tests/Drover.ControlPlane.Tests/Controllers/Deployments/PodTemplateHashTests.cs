using Drover.Api;
using static Drover.ControlPlane.Controllers.Tests.Workloads;

namespace Drover.ControlPlane.Controllers.Deployments.Tests;

public sealed class PodTemplateHashTests
{
    [Fact]
    public void Compute_SameTemplate_SameHashFromTheSafeAlphabet()
    {
        var a = PodTemplateHash.Compute(Template(), null);
        var b = PodTemplateHash.Compute(Template(), null);

        Assert.Equal(a, b);
        Assert.Matches("^[bcdfghjklmnpqrstvwxz2456789]{1,10}$", a);
    }

    [Fact]
    public void Compute_KnownTemplate_StableAcrossVersions()
    {
        // Pinned: a hash that changed between releases would roll every Deployment on upgrade.
        Assert.Equal(PinnedHash, PodTemplateHash.Compute(Template(), null));
    }

    [Fact]
    public void Compute_LabelsInAnotherOrder_SameHash()
    {
        var ab = Template() with { Metadata = new ObjectMeta { Labels = new() { ["a"] = "1", ["b"] = "2" } } };
        var ba = Template() with { Metadata = new ObjectMeta { Labels = new() { ["b"] = "2", ["a"] = "1" } } };

        Assert.Equal(PodTemplateHash.Compute(ab, null), PodTemplateHash.Compute(ba, null));
    }

    [Fact]
    public void Compute_OtherImage_OtherHash()
    {
        Assert.NotEqual(PodTemplateHash.Compute(Template("app:v1"), null), PodTemplateHash.Compute(Template("app:v2"), null));
    }

    [Fact]
    public void Compute_CollisionCount_OtherHash()
    {
        Assert.NotEqual(PodTemplateHash.Compute(Template(), null), PodTemplateHash.Compute(Template(), 1));
        Assert.NotEqual(PodTemplateHash.Compute(Template(), 1), PodTemplateHash.Compute(Template(), 2));
    }

    [Fact]
    public void Compute_RestartedAtAnnotation_OtherHash()
    {
        var restarted = Template() with { Metadata = Template().Metadata! with { Annotations = new() { ["kubectl.kubernetes.io/restartedAt"] = "2026-01-01T12:00:00Z" } } };

        Assert.NotEqual(PodTemplateHash.Compute(Template(), null), PodTemplateHash.Compute(restarted, null));
    }

    [Fact]
    public void EqualIgnoringHash_OnlyTheHashLabelDiffers_Equal()
    {
        var template = Template();
        var labelled = template with { Metadata = template.Metadata! with { Labels = PodTemplateHash.WithHash(template.Metadata.Labels, "abc") } };

        Assert.True(PodTemplateHash.EqualIgnoringHash(template, labelled));
        Assert.False(PodTemplateHash.EqualIgnoringHash(Template("app:v2"), labelled));
    }

    [Fact]
    public void SafeEncode_Digits_MappedAsKubernetesDoes()
    {
        Assert.Equal("456789bcdf", PodTemplateHash.SafeEncode("0123456789"));
    }

    private const string PinnedHash = "6c586d8d9d";
}
