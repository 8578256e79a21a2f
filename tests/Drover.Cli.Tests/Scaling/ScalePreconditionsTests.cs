using Drover.Api;
using Drover.Cli.Scaling;

namespace Drover.Cli.Scaling.Tests;

public sealed class ScalePreconditionsTests
{
    private static readonly Scale Current = new() { Metadata = new ObjectMeta { Name = "my-app", ResourceVersion = "12" }, Spec = new ScaleSpec { Replicas = 3 } };

    [Fact]
    public void From_Defaults_NoPrecondition() => Assert.False(ScalePreconditions.From(-1, null).Any);

    [Fact]
    public void Check_CurrentReplicasMatch_Passes() => ScalePreconditions.From(3, null).Check(Current);

    [Fact]
    public void Check_CurrentReplicasDiffer_KubectlMessage() =>
        Assert.Equal("error: Expected replicas to be 2, was 3", Assert.Throws<CliException>(() => ScalePreconditions.From(2, null).Check(Current)).Message);

    [Fact]
    public void Check_ResourceVersionDiffers_NamesBoth() =>
        Assert.Equal("error: Expected resource version to be 11, was 12", Assert.Throws<CliException>(() => ScalePreconditions.From(-1, "11").Check(Current)).Message);

    [Fact]
    public void ValidateReplicas_Negative_NamesValue() =>
        Assert.Contains("--replicas=-1", Assert.Throws<CliException>(() => ScalePreconditions.ValidateReplicas(-1)).Message, StringComparison.Ordinal);

    [Fact]
    public void ValidateReplicas_Missing_SaysRequired() =>
        Assert.Contains("\"replicas\" not set", Assert.Throws<CliException>(() => ScalePreconditions.ValidateReplicas(null)).Message, StringComparison.Ordinal);

    [Fact]
    public void ValidateReplicas_Zero_Allowed() => Assert.Equal(0, ScalePreconditions.ValidateReplicas(0));
}
