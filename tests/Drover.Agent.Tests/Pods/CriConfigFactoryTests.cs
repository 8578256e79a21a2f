using Drover.Agent.Cri.V1;
using Drover.Agent.Pods;
using Drover.Api;
using Container = Drover.Api.Container;

namespace Drover.Agent.Pods.Tests;

public sealed class CriConfigFactoryTests
{
    private static readonly PodManagerOptions Options = new() { NodeName = "n1", NodeIp = "10.0.0.1", CgroupParentRoot = "/drover9", PodLogRoot = "/logs" };
    private readonly CriConfigFactory _factory = new(Options, new DNSConfig { Servers = { "10.0.0.2" } });

    private static Pod SamplePod() => new()
    {
        Metadata = new ObjectMeta
        {
            Name = "web-1",
            Namespace = "shop",
            Uid = "u-1",
            Labels = new() { ["app"] = "web" },
            Annotations = new() { ["note"] = "x" },
        },
        Spec = new PodSpec
        {
            TerminationGracePeriodSeconds = 12,
            Containers =
            [
                new Container
                {
                    Name = "app",
                    Image = "my-app:v1.0",
                    Command = ["/bin/sh"],
                    Args = ["-c", "run"],
                    WorkingDir = "/srv",
                    Env = [new EnvVar { Name = "A", Value = "1" }],
                    Ports = [new ContainerPort { Port = 3000 }, new ContainerPort { Port = 53, HostPort = 5353, Protocol = "UDP" }],
                    Resources = new ResourceRequirements
                    {
                        Requests = new() { ["cpu"] = Quantity.Parse("250m") },
                        Limits = new() { ["cpu"] = Quantity.Parse("500m"), ["memory"] = Quantity.Parse("256Mi") },
                    },
                },
            ],
        },
    };

    [Fact]
    public void Sandbox_Pod_HasIdentityHostnameLogsDnsCgroupAndLabels()
    {
        var config = _factory.Sandbox(SamplePod(), attempt: 2);

        Assert.Equal(("web-1", "shop", "u-1", 2u), (config.Metadata.Name, config.Metadata.Namespace, config.Metadata.Uid, config.Metadata.Attempt));
        Assert.Equal("web-1", config.Hostname);
        Assert.Equal("/logs/shop_web-1_u-1", config.LogDirectory);
        Assert.Equal(["10.0.0.2"], config.DnsConfig.Servers);
        Assert.Equal("/drover9/podu-1", config.Linux.CgroupParent);
        Assert.Equal("web", config.Labels["app"]);
        Assert.Equal("web-1", config.Labels["io.kubernetes.pod.name"]);
        Assert.Equal("shop", config.Labels["io.kubernetes.pod.namespace"]);
        Assert.Equal("u-1", config.Labels["io.kubernetes.pod.uid"]);
        Assert.Equal("x", config.Annotations["note"]);
        Assert.Equal("12", config.Annotations["io.kubernetes.pod.terminationGracePeriod"]);
    }

    [Fact]
    public void Sandbox_PortMappings_OnlyForHostPorts()
    {
        var mapping = Assert.Single(_factory.Sandbox(SamplePod(), 0).PortMappings);

        Assert.Equal((53, 5353, Protocol.Udp), (mapping.ContainerPort, mapping.HostPort, mapping.Protocol));
    }

    [Fact]
    public void Sandbox_SamePodAndAttempt_EqualConfigs() =>
        Assert.Equal(_factory.Sandbox(SamplePod(), 1), _factory.Sandbox(SamplePod(), 1));

    [Fact]
    public void Container_Spec_MapsCommandArgsEnvWorkingDirLogPathAndRestartCount()
    {
        var pod = SamplePod();

        var config = _factory.Container(pod, pod.Spec.Containers[0], restartCount: 3);

        Assert.Equal(("app", 3u), (config.Metadata.Name, config.Metadata.Attempt));
        Assert.Equal("my-app:v1.0", config.Image.Image);
        Assert.Equal(["/bin/sh"], config.Command);
        Assert.Equal(["-c", "run"], config.Args);
        Assert.Equal("/srv", config.WorkingDir);
        Assert.Equal(("A", "1"), (config.Envs[0].Key, config.Envs[0].Value));
        Assert.Equal("app/3.log", config.LogPath);
        Assert.Equal("app", config.Labels["io.kubernetes.container.name"]);
        Assert.Equal("u-1", config.Labels["io.kubernetes.pod.uid"]);
        Assert.Equal("3", config.Annotations["io.kubernetes.container.restartCount"]);
        Assert.Equal(CriConfigFactory.Hash(pod.Spec.Containers[0]), config.Annotations["io.kubernetes.container.hash"]);
    }

    [Fact]
    public void Container_StdinStdinOnceTty_GivenToTheRuntimeForAttach()
    {
        var pod = SamplePod();

        var plain = _factory.Container(pod, pod.Spec.Containers[0], restartCount: 0);
        var attachable = _factory.Container(pod, pod.Spec.Containers[0] with { Stdin = true, StdinOnce = true, Tty = true }, restartCount: 0);

        Assert.Equal((false, false, false), (plain.Stdin, plain.StdinOnce, plain.Tty));
        Assert.Equal((true, true, true), (attachable.Stdin, attachable.StdinOnce, attachable.Tty));
    }

    [Fact]
    public void Container_VariableReferencesInCommandAndArgs_ExpandedFromTheResolvedEnvAsKubernetes()
    {
        var container = SamplePod().Spec.Containers[0] with
        {
            Command = ["/bin/$(TOOL)", "$(MISSING)"],
            Args = ["--greeting=$(GREETING) $(NAME)", "$$(NAME)", "$$HOME", "$(NAME", "cost $5"],
        };
        KeyValuePair<string, string>[] env = [new("TOOL", "sh"), new("NAME", "first"), new("GREETING", "hi"), new("NAME", "edge")];

        var config = _factory.Container(SamplePod(), container, 0, env);

        Assert.Equal(["/bin/sh", "$(MISSING)"], config.Command);
        Assert.Equal(["--greeting=hi edge", "$(NAME)", "$HOME", "$(NAME", "cost $5"], config.Args);
    }

    [Fact]
    public void Container_LiteralEnvOnly_CommandExpandedFromIt() =>
        Assert.Equal(["-c", "echo 1"], _factory.Container(SamplePod(), SamplePod().Spec.Containers[0] with { Args = ["-c", "echo $(A)"] }, 0).Args);

    [Fact]
    public void Resources_Limits500m256MiRequest250m_QuotaPeriodSharesMemory()
    {
        var resources = CriConfigFactory.Resources(SamplePod().Spec.Containers[0].Resources);

        Assert.Equal(100_000, resources.CpuPeriod);
        Assert.Equal(50_000, resources.CpuQuota);
        Assert.Equal(256, resources.CpuShares);
        Assert.Equal(256L * 1024 * 1024, resources.MemoryLimitInBytes);
    }

    [Fact]
    public void Resources_None_MinimumSharesNoQuotaNoLimit()
    {
        var resources = CriConfigFactory.Resources(null);

        Assert.Equal((2L, 0L, 0L, 0L), (resources.CpuShares, resources.CpuQuota, resources.CpuPeriod, resources.MemoryLimitInBytes));
    }

    [Fact]
    public void Resources_TinyRequest_AtLeastTwoShares() =>
        Assert.Equal(2, CriConfigFactory.Resources(new ResourceRequirements { Requests = new() { ["cpu"] = Quantity.Parse("1m") } }).CpuShares);

    [Fact]
    public void Hash_ImageChange_Differs_ProbeChange_Same()
    {
        var container = SamplePod().Spec.Containers[0];

        Assert.NotEqual(CriConfigFactory.Hash(container), CriConfigFactory.Hash(container with { Image = "my-app:v2.0" }));
        Assert.Equal(CriConfigFactory.Hash(container), CriConfigFactory.Hash(container with { ReadinessProbe = new Probe { PeriodSeconds = 3 } }));
    }
}
