using Drover.Api;
using static Drover.Scheduling.Tests.Objects;

namespace Drover.Scheduling.Tests;

public sealed class PodInfoTests
{
    private static Container Container(string name, string? cpu, string? memory)
    {
        var requests = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        if (cpu is not null)
            requests["cpu"] = Quantity.Parse(cpu);
        if (memory is not null)
            requests["memory"] = Quantity.Parse(memory);
        return new Container { Name = name, Resources = new ResourceRequirements { Requests = requests } };
    }

    private static Pod WithContainers(List<Container> containers, List<Container>? initContainers = null) =>
        Pod("p") with { Spec = new PodSpec { Containers = containers, InitContainers = initContainers } };

    [Fact]
    public void From_SeveralContainers_SumsRequestsInMillicoresAndBytes()
    {
        var pod = PodInfo.From(WithContainers([Container("a", "250m", "64Mi"), Container("b", "1.5", "1G")]));

        Assert.Equal(1750, pod.MilliCpu);
        Assert.Equal(64L * 1024 * 1024 + 1_000_000_000, pod.MemoryBytes);
    }

    [Fact]
    public void From_InitContainerLargerThanSum_TakesInitContainer()
    {
        var pod = PodInfo.From(WithContainers(
            [Container("a", "100m", "100Mi"), Container("b", "100m", "100Mi")],
            [Container("init1", "500m", "10Mi"), Container("init2", "50m", "150Mi")]));

        // Per resource: cpu from init1 (500m > 200m), memory from the app containers (200Mi > 150Mi).
        Assert.Equal(500, pod.MilliCpu);
        Assert.Equal(200L * 1024 * 1024, pod.MemoryBytes);
    }

    [Fact]
    public void From_NoRequests_ZeroRequestedButDefaultsForScoring()
    {
        var pod = PodInfo.From(WithContainers([Container("a", null, null), Container("b", "0", null)]));

        Assert.Equal(0, pod.MilliCpu);
        Assert.Equal(0, pod.MemoryBytes);
        Assert.True(pod.IsBestEffort);
        // An explicit zero stays zero; only a missing request gets the default.
        Assert.Equal(PodInfo.DefaultMilliCpuRequest, pod.NonZeroMilliCpu);
        Assert.Equal(2 * PodInfo.DefaultMemoryRequest, pod.NonZeroMemoryBytes);
    }

    [Fact]
    public void From_LimitsOnlyAfterApiDefaulting_LimitsCountAsRequests()
    {
        var limitsOnly = Pod("p") with
        {
            Spec = new PodSpec
            {
                Containers =
                [
                    new Container
                    {
                        Name = "a",
                        Image = "app:v1",
                        Resources = new ResourceRequirements
                        {
                            Limits = new(StringComparer.Ordinal) { ["cpu"] = Quantity.Parse("2"), ["memory"] = Quantity.Parse("1Gi") },
                        },
                    },
                ],
            },
        };

        // The API server defaults before storing; the scheduler reads requests only and trusts that.
        var pod = PodInfo.From((Pod)ObjectDefaulter.ApplyDefaults(limitsOnly));

        Assert.Equal(2000, pod.MilliCpu);
        Assert.Equal(1L << 30, pod.MemoryBytes);
    }

    [Fact]
    public void From_ControllerOwnerReference_OwnerIsItsUid()
    {
        var pod = Pod("p") with
        {
            Metadata = new ObjectMeta
            {
                Name = "p",
                Uid = "u",
                OwnerReferences =
                [
                    new OwnerReference { Kind = "ConfigMap", Name = "x", Uid = "not-controller" },
                    new OwnerReference { Kind = "ReplicaSet", Name = "rs", Uid = "rs-uid", Controller = true },
                ],
            },
        };

        Assert.Equal("rs-uid", PodInfo.From(pod).OwnerUid);
    }

    [Fact]
    public void From_NoControllerReference_NoOwner()
    {
        Assert.Null(PodInfo.From(Pod("p")).OwnerUid);
    }

    [Fact]
    public void KeyOf_WithUid_IsUid_WithoutUid_IsNamespaceSlashName()
    {
        Assert.Equal("uid-p", PodInfo.KeyOf(Pod("p")));
        Assert.Equal("default/p", PodInfo.KeyOf(Pod("p") with { Metadata = new ObjectMeta { Name = "p", Namespace = "default" } }));
    }

    [Fact]
    public void From_TolerationsAndSelector_ReadOnce()
    {
        var pod = PodInfo.From(Pod(
            "p",
            nodeSelector: new() { ["disk"] = "ssd" },
            tolerations: [Toleration("a", "Exists", null, "NoSchedule"), Toleration("b", "Exists", null, null), Toleration("c", "Exists", null, "PreferNoSchedule")]));

        Assert.Equal(3, pod.Tolerations.Length);
        Assert.Equal(["b", "c"], pod.PreferNoScheduleTolerations.ToArray().Select(t => t.Key));
        Assert.Equal([new KeyValuePair<string, string>("disk", "ssd")], pod.NodeSelector.ToArray());
        Assert.False(pod.ToleratesUnschedulable);
    }

    [Theory]
    [InlineData("node.kubernetes.io/unschedulable", "NoSchedule", true)]
    [InlineData("node.kubernetes.io/unschedulable", null, true)]
    [InlineData(null, null, true)]
    [InlineData("node.kubernetes.io/unschedulable", "NoExecute", false)]
    [InlineData("node.kubernetes.io/not-ready", null, false)]
    public void From_UnschedulableToleration_ToleratesUnschedulable(string? key, string? effect, bool expected)
    {
        var pod = PodInfo.From(Pod("p", tolerations: Toleration(key, "Exists", null, effect)));

        Assert.Equal(expected, pod.ToleratesUnschedulable);
    }
}
