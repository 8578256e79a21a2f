namespace Drover.Api.Tests;

public class ObjectDefaulterDefaultingTests
{
    private static Pod BarePod(params Container[] containers) => new()
    {
        Metadata = new ObjectMeta { Name = "web-0" },
        Spec = new PodSpec { Containers = [.. containers] },
    };

    private static Container Web(string image = "nginx:1.27") => new() { Name = "web", Image = image };

    private static string Json(KubeObject obj) =>
        System.Text.Encoding.UTF8.GetString(ResourceTypes.All.Single(t => t.ClrType == obj.GetType()).SerializeToUtf8Bytes(obj));

    /// <summary>Objects that exercise every defaulting branch, for the purity and idempotence checks.</summary>
    public static TheoryData<KubeObject> RichObjects()
    {
        var data = new TheoryData<KubeObject>
        {
            BarePod(Web("nginx") with
            {
                Ports = [new ContainerPort { Port = 80 }],
                Resources = new ResourceRequirements { Limits = new() { ["cpu"] = Quantity.Parse("1") }, Requests = new() { ["memory"] = Quantity.Parse("64Mi") } },
                LivenessProbe = new Probe { HttpGet = new HttpGetAction { Port = 80 } },
                Lifecycle = new Lifecycle { PreStop = new LifecycleHandler { HttpGet = new HttpGetAction { Port = 80 } } },
            }) with { Spec = BarePod().Spec with { HostNetwork = true, Containers = [Web() with { Ports = [new ContainerPort { Port = 80 }] }], InitContainers = [Web("init") with { Name = "init" }] } },
            new Service { Metadata = new ObjectMeta { Name = "web" }, Spec = new ServiceSpec { Ports = [new ServicePort { Port = 80 }, new ServicePort { Port = 81, TargetPort = "http" }] } },
            new Secret { Metadata = new ObjectMeta { Name = "s" }, Data = new() { ["a"] = [1] }, StringData = new() { ["a"] = "x", ["b"] = "y" } },
            new HorizontalPodAutoscaler { Metadata = new ObjectMeta { Name = "h" }, Spec = new HorizontalPodAutoscalerSpec { MaxReplicas = 3, Behavior = new HorizontalPodAutoscalerBehavior { ScaleDown = new HpaScalingRules { StabilizationWindowSeconds = 60 } } } },
            new ReplicaSet { Metadata = new ObjectMeta { Name = "rs" }, Spec = new ReplicaSetSpec { Template = new PodTemplateSpec { Spec = new PodSpec { Containers = [Web()] } } } },
            new Endpoints { Metadata = new ObjectMeta { Name = "web" }, Subsets = [new EndpointSubset { Ports = [new EndpointPort { Port = 80 }] }] },
            new Node { Metadata = new ObjectMeta { Name = "edge-1" }, Status = new NodeStatus { Capacity = new() { ["cpu"] = Quantity.Parse("4") } } },
        };
        foreach (var file in new[] { Manifests.Deployment, Manifests.Service, Manifests.Ingress, Manifests.Hpa })
            data.Add(Manifests.Decode(Manifests.Read(file)));
        return data;
    }

    [Theory]
    [MemberData(nameof(RichObjects))]
    public void ApplyDefaults_AnyObject_DoesNotMutateInput(KubeObject input)
    {
        var before = Json(input);

        var defaulted = ObjectDefaulter.ApplyDefaults(input);

        Assert.NotSame(input, defaulted);
        Assert.Equal(before, Json(input));
    }

    [Theory]
    [MemberData(nameof(RichObjects))]
    public void ApplyDefaults_AppliedTwice_EqualsAppliedOnce(KubeObject input)
    {
        var once = ObjectDefaulter.ApplyDefaults(input);

        Assert.Equal(Json(once), Json(ObjectDefaulter.ApplyDefaults(once)));
    }

    [Fact]
    public void ApplyDefaults_BarePod_GetsPodSpecDefaults()
    {
        var pod = (Pod)ObjectDefaulter.ApplyDefaults(BarePod(Web()));

        Assert.Equal("Always", pod.Spec.RestartPolicy);
        Assert.Equal(30, pod.Spec.TerminationGracePeriodSeconds);
        Assert.Equal("ClusterFirst", pod.Spec.DnsPolicy);
        Assert.Equal("default-scheduler", pod.Spec.SchedulerName);
        Assert.Equal("/dev/termination-log", pod.Spec.Containers[0].TerminationMessagePath);
    }

    [Fact]
    public void ApplyDefaults_ExplicitValues_AreKept()
    {
        var input = BarePod(Web() with { ImagePullPolicy = "Never", TerminationMessagePath = "/tmp/m" }) with
        {
            Spec = BarePod().Spec with { RestartPolicy = "Never", TerminationGracePeriodSeconds = 5, DnsPolicy = "Default", SchedulerName = "edge" },
        };
        var pod = (Pod)ObjectDefaulter.ApplyDefaults(input with { Spec = input.Spec with { Containers = [Web() with { ImagePullPolicy = "Never", TerminationMessagePath = "/tmp/m" }] } });

        Assert.Equal("Never", pod.Spec.RestartPolicy);
        Assert.Equal(5, pod.Spec.TerminationGracePeriodSeconds);
        Assert.Equal("Default", pod.Spec.DnsPolicy);
        Assert.Equal("edge", pod.Spec.SchedulerName);
        Assert.Equal("Never", pod.Spec.Containers[0].ImagePullPolicy);
        Assert.Equal("/tmp/m", pod.Spec.Containers[0].TerminationMessagePath);
    }

    [Theory]
    [InlineData("nginx", "Always")]
    [InlineData("nginx:latest", "Always")]
    [InlineData("nginx:1.27", "IfNotPresent")]
    [InlineData("registry.local:5000/team/app", "Always")]
    [InlineData("registry.local:5000/team/app:v2", "IfNotPresent")]
    [InlineData("app@sha256:0123456789abcdef", "IfNotPresent")]
    [InlineData("app:latest@sha256:0123456789abcdef", "Always")]
    public void ApplyDefaults_ImageTag_ChoosesPullPolicy(string image, string expected)
    {
        var pod = (Pod)ObjectDefaulter.ApplyDefaults(BarePod(Web(image)));

        Assert.Equal(expected, pod.Spec.Containers[0].ImagePullPolicy);
    }

    [Fact]
    public void ApplyDefaults_ProbeWithoutTimings_GetsKubernetesTimings()
    {
        var pod = (Pod)ObjectDefaulter.ApplyDefaults(BarePod(Web() with { LivenessProbe = new Probe { HttpGet = new HttpGetAction { Port = 8080 } } }));

        var probe = pod.Spec.Containers[0].LivenessProbe!;
        Assert.Equal(1, probe.TimeoutSeconds);
        Assert.Equal(10, probe.PeriodSeconds);
        Assert.Equal(1, probe.SuccessThreshold);
        Assert.Equal(3, probe.FailureThreshold);
        Assert.Null(probe.InitialDelaySeconds);
        Assert.Equal("/", probe.HttpGet!.Path);
        Assert.Equal("HTTP", probe.HttpGet.Scheme);
    }

    [Fact]
    public void ApplyDefaults_ContainerPorts_GetTcpAndHostPortOnHostNetwork()
    {
        var input = BarePod(Web() with { Ports = [new ContainerPort { Port = 80 }, new ContainerPort { Port = 53, Protocol = "UDP" }] });
        var pod = (Pod)ObjectDefaulter.ApplyDefaults(input with { Spec = input.Spec with { HostNetwork = true } });

        Assert.Equal(["TCP", "UDP"], pod.Spec.Containers[0].Ports!.Select(p => p.Protocol));
        Assert.Equal([80, 53], pod.Spec.Containers[0].Ports!.Select(p => p.HostPort));
    }

    [Fact]
    public void ApplyDefaults_PodLimitsWithoutRequests_RequestsTheLimits()
    {
        var resources = new ResourceRequirements
        {
            Limits = new() { ["cpu"] = Quantity.Parse("500m"), ["memory"] = Quantity.Parse("256Mi") },
            Requests = new() { ["memory"] = Quantity.Parse("128Mi") },
        };

        var pod = (Pod)ObjectDefaulter.ApplyDefaults(BarePod(Web() with { Resources = resources }));

        var requests = pod.Spec.Containers[0].Resources!.Requests!;
        Assert.Equal(Quantity.Parse("500m"), requests["cpu"]);
        Assert.Equal(Quantity.Parse("128Mi"), requests["memory"]);
        Assert.Single(resources.Requests);
    }

    [Fact]
    public void ApplyDefaults_TemplateLimitsWithoutRequests_LeavesRequestsToThePods()
    {
        var deployment = Manifests.Load<Deployment>(Manifests.Deployment);
        var container = deployment.Spec.Template.Spec.Containers[0] with
        {
            Resources = new ResourceRequirements { Limits = new() { ["cpu"] = Quantity.Parse("1") } },
        };
        var input = deployment with { Spec = deployment.Spec with { Template = deployment.Spec.Template with { Spec = deployment.Spec.Template.Spec with { Containers = [container] } } } };

        var defaulted = (Deployment)ObjectDefaulter.ApplyDefaults(input);

        Assert.Null(defaulted.Spec.Template.Spec.Containers[0].Resources!.Requests);
    }

    [Fact]
    public void ApplyDefaults_DeploymentWithRecreate_GetsNoRollingUpdate()
    {
        var seed = Manifests.Load<Deployment>(Manifests.Deployment);
        var input = seed with { Spec = seed.Spec with { Replicas = null, Strategy = new DeploymentStrategy { Type = "Recreate" } } };

        var deployment = (Deployment)ObjectDefaulter.ApplyDefaults(input);

        Assert.Equal(1, deployment.Spec.Replicas);
        Assert.Null(deployment.Spec.Strategy!.RollingUpdate);
    }

    [Fact]
    public void ApplyDefaults_DeploymentWithPartialRollingUpdate_FillsTheOtherHalf()
    {
        var seed = Manifests.Load<Deployment>(Manifests.Deployment);
        var input = seed with { Spec = seed.Spec with { Strategy = new DeploymentStrategy { RollingUpdate = new RollingUpdateDeployment { MaxSurge = 1 } } } };

        var rolling = ((Deployment)ObjectDefaulter.ApplyDefaults(input)).Spec.Strategy!.RollingUpdate!;

        Assert.Equal(new IntOrString(1), rolling.MaxSurge);
        Assert.Equal(new IntOrString("25%"), rolling.MaxUnavailable);
    }

    [Fact]
    public void ApplyDefaults_ReplicaSet_GetsOneReplicaAndPodDefaults()
    {
        var input = new ReplicaSet { Metadata = new ObjectMeta { Name = "rs" }, Spec = new ReplicaSetSpec { Template = new PodTemplateSpec { Spec = new PodSpec { Containers = [Web()] } } } };

        var replicaSet = (ReplicaSet)ObjectDefaulter.ApplyDefaults(input);

        Assert.Equal(1, replicaSet.Spec.Replicas);
        Assert.Equal("Always", replicaSet.Spec.Template.Spec.RestartPolicy);
    }

    [Fact]
    public void ApplyDefaults_ServicePorts_TargetThemselvesUnlessNamed()
    {
        var input = new Service { Metadata = new ObjectMeta { Name = "web" }, Spec = new ServiceSpec { Ports = [new ServicePort { Port = 80 }, new ServicePort { Port = 81, TargetPort = "http" }] } };

        var service = (Service)ObjectDefaulter.ApplyDefaults(input);

        Assert.Equal([new IntOrString(80), new IntOrString("http")], service.Spec.Ports!.Select(p => p.TargetPort!.Value));
        Assert.All(service.Spec.Ports!, p => Assert.Equal("TCP", p.Protocol));
        Assert.Equal("ClusterIP", service.Spec.Type);
        Assert.Equal("None", service.Spec.SessionAffinity);
    }

    [Fact]
    public void ApplyDefaults_SecretStringData_MergesIntoDataAndClears()
    {
        var input = new Secret { Metadata = new ObjectMeta { Name = "s" }, Data = new() { ["a"] = [1], ["keep"] = [2] }, StringData = new() { ["a"] = "héllo" } };

        var secret = (Secret)ObjectDefaulter.ApplyDefaults(input);

        Assert.Equal("Opaque", secret.Type);
        Assert.Null(secret.StringData);
        Assert.Equal("héllo"u8.ToArray(), secret.Data!["a"]);
        Assert.Equal([2], secret.Data["keep"]);
        Assert.Equal([1], input.Data["a"]);
    }

    [Fact]
    public void ApplyDefaults_HpaWithoutMinOrMetrics_GetsOneAnd80PercentCpu()
    {
        var input = new HorizontalPodAutoscaler { Metadata = new ObjectMeta { Name = "h" }, Spec = new HorizontalPodAutoscalerSpec { MaxReplicas = 5 } };

        var hpa = (HorizontalPodAutoscaler)ObjectDefaulter.ApplyDefaults(input);

        Assert.Equal(1, hpa.Spec.MinReplicas);
        var metric = Assert.Single(hpa.Spec.Metrics!);
        Assert.Equal("cpu", metric.Resource!.Name);
        Assert.Equal(80, metric.Resource.Target.AverageUtilization);
        Assert.Null(hpa.Spec.Behavior);
    }

    [Fact]
    public void ApplyDefaults_HpaWithPartialBehavior_FillsDocumentedPolicies()
    {
        var input = new HorizontalPodAutoscaler
        {
            Metadata = new ObjectMeta { Name = "h" },
            Spec = new HorizontalPodAutoscalerSpec { MaxReplicas = 5, Behavior = new HorizontalPodAutoscalerBehavior { ScaleDown = new HpaScalingRules { StabilizationWindowSeconds = 60 } } },
        };

        var behavior = ((HorizontalPodAutoscaler)ObjectDefaulter.ApplyDefaults(input)).Spec.Behavior!;

        Assert.Equal(60, behavior.ScaleDown!.StabilizationWindowSeconds);
        Assert.Equal("Max", behavior.ScaleDown.SelectPolicy);
        Assert.Equal("Percent", Assert.Single(behavior.ScaleDown.Policies!).Type);
        Assert.Equal(0, behavior.ScaleUp!.StabilizationWindowSeconds);
        Assert.Equal(["Pods", "Percent"], behavior.ScaleUp.Policies!.Select(p => p.Type));
    }

    [Fact]
    public void ApplyDefaults_NodeWithCapacityOnly_AllocatesAllOfIt()
    {
        var input = new Node { Metadata = new ObjectMeta { Name = "edge-1" }, Status = new NodeStatus { Capacity = new() { ["cpu"] = Quantity.Parse("4") } } };

        var node = (Node)ObjectDefaulter.ApplyDefaults(input);

        Assert.Equal(Quantity.Parse("4"), node.Status!.Allocatable!["cpu"]);
        Assert.NotSame(input.Status!.Capacity, node.Status.Allocatable);
    }

    [Fact]
    public void ApplyDefaults_NodeWithEmptySpecInYaml_GetsAnEmptySpec()
    {
        var input = (Node)ObjectDecoder.Decode(System.Text.Encoding.UTF8.GetBytes("{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"edge-1\"},\"spec\":null}"), out _);

        var node = (Node)ObjectDefaulter.ApplyDefaults(input);

        Assert.NotNull(node.Spec);
    }

    [Fact]
    public void ApplyDefaults_Endpoints_GetTcpPorts()
    {
        var input = new Endpoints { Metadata = new ObjectMeta { Name = "web" }, Subsets = [new EndpointSubset { Ports = [new EndpointPort { Port = 80 }] }] };

        var endpoints = (Endpoints)ObjectDefaulter.ApplyDefaults(input);

        Assert.Equal("TCP", endpoints.Subsets![0].Ports![0].Protocol);
        Assert.Null(input.Subsets![0].Ports![0].Protocol);
    }

    [Fact]
    public void ApplyDefaults_Volumes_GetKubernetesModesAndFieldVersions()
    {
        var bare = BarePod(Web() with { Env = [new EnvVar { Name = "IP", ValueFrom = new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = "status.podIP" } } }] }) with
        {
            Spec = BarePod(Web()).Spec with
            {
                Containers = [Web() with { Env = [new EnvVar { Name = "IP", ValueFrom = new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = "status.podIP" } } }] }],
                Volumes =
                [
                    new Volume { Name = "c", ConfigMap = new ConfigMapVolumeSource { Name = "cfg" } },
                    new Volume { Name = "s", Secret = new SecretVolumeSource { SecretName = "creds", DefaultMode = 256 } },
                    new Volume { Name = "h", HostPath = new HostPathVolumeSource { Path = "/var/log" } },
                    new Volume { Name = "d", DownwardAPI = new DownwardAPIVolumeSource { Items = [new DownwardAPIVolumeFile { Path = "n", FieldRef = new ObjectFieldSelector { FieldPath = "metadata.name" } }] } },
                    new Volume { Name = "p", Projected = new ProjectedVolumeSource { Sources = [new VolumeProjection { DownwardAPI = new DownwardAPIProjection { Items = [new DownwardAPIVolumeFile { Path = "n", FieldRef = new ObjectFieldSelector { FieldPath = "metadata.name" } }] } }] } },
                ],
            },
        };

        var pod = (Pod)ObjectDefaulter.ApplyDefaults(bare);

        var volumes = pod.Spec.Volumes!;
        Assert.Equal(420, volumes[0].ConfigMap!.DefaultMode);
        Assert.Equal(256, volumes[1].Secret!.DefaultMode);
        Assert.Equal("", volumes[2].HostPath!.Type);
        Assert.Equal((420, "v1"), (volumes[3].DownwardAPI!.DefaultMode, volumes[3].DownwardAPI!.Items![0].FieldRef!.ApiVersion));
        Assert.Equal((420, "v1"), (volumes[4].Projected!.DefaultMode, volumes[4].Projected!.Sources![0].DownwardAPI!.Items![0].FieldRef!.ApiVersion));
        Assert.Equal("v1", pod.Spec.Containers[0].Env![0].ValueFrom!.FieldRef!.ApiVersion);
        Assert.Null(bare.Spec.Volumes![0].ConfigMap!.DefaultMode);
    }
}
