using Drover.Api;
using Drover.Cli.Output;
using Drover.Api.Printing;

using Drover.Cli.Tests;

namespace Drover.Cli.Output.Tests;

public class TablePrinterTests
{
    private static readonly DateTimeOffset Created = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = Created.AddMinutes(5).AddSeconds(10);

    private static T Seed<T>(string file) where T : KubeObject
    {
        var obj = (T)Seeds.Decode(file);
        return obj with { Metadata = obj.Metadata with { Namespace = "default", CreationTimestamp = Created } };
    }

    private static string Render(ResourceType type, KubeObject obj, bool wide = false, bool allNamespaces = false) =>
        new TablePrinter(ColumnSets.For(type), wide, allNamespaces).Render([obj], Now);

    [Fact]
    public void Render_SeedDeployment_MatchesKubectl()
    {
        var deployment = Seed<Deployment>("seed-deployment.yaml") with
        {
            Status = new DeploymentStatus { ReadyReplicas = 2, UpdatedReplicas = 3, AvailableReplicas = 2, Replicas = 3 },
        };
        Assert.Equal(
            "NAME     READY   UP-TO-DATE   AVAILABLE   AGE\n" +
            "my-app   2/3     3            2           5m10s\n",
            Render(ResourceTypes.Deployments, deployment));
    }

    [Fact]
    public void Render_SeedDeploymentWide_AddsContainersImagesSelector()
    {
        var text = Render(ResourceTypes.Deployments, Seed<Deployment>("seed-deployment.yaml"), wide: true);
        Assert.Equal(
            "NAME     READY   UP-TO-DATE   AVAILABLE   AGE     CONTAINERS   IMAGES        SELECTOR\n" +
            "my-app   0/3     0            0           5m10s   app          my-app:v1.0   app=my-app\n",
            text);
    }

    [Fact]
    public void Render_SeedService_ShowsTypePortsAndNoneForMissingIp()
    {
        var service = Seed<Service>("seed-service.yaml");
        Assert.Equal(
            "NAME             TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n" +
            "my-app-service   ClusterIP   <none>       <none>        80/TCP    5m10s\n",
            Render(ResourceTypes.Services, service));
    }

    [Fact]
    public void Render_SeedServiceAllNamespaces_PutsNamespaceFirst()
    {
        var text = Render(ResourceTypes.Services, Seed<Service>("seed-service.yaml") with { Spec = Seed<Service>("seed-service.yaml").Spec with { ClusterIP = "10.96.0.10" } }, allNamespaces: true);
        Assert.StartsWith("NAMESPACE   NAME             TYPE        CLUSTER-IP   ", text, StringComparison.Ordinal);
        Assert.Contains("default     my-app-service   ClusterIP   10.96.0.10   <none>", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_SeedIngress_ListsHostAndDefaultPort()
    {
        Assert.Equal(
            "NAME         CLASS    HOSTS             ADDRESS   PORTS   AGE\n" +
            "my-ingress   <none>   api.example.com             80      5m10s\n",
            Render(ResourceTypes.Ingresses, Seed<Ingress>("seed-ingress.yaml")));
    }

    [Fact]
    public void Render_SeedHpaWithoutMetrics_ShowsUnknownCurrent()
    {
        Assert.Equal(
            "NAME         REFERENCE           TARGETS         MINPODS   MAXPODS   REPLICAS   AGE\n" +
            "my-app-hpa   Deployment/my-app   <unknown>/70%   2         10        0          5m10s\n",
            Render(ResourceTypes.HorizontalPodAutoscalers, Seed<HorizontalPodAutoscaler>("seed-hpa.yaml")));
    }

    [Fact]
    public void Render_HpaWithMeasurement_ShowsCurrentOverTarget()
    {
        var hpa = Seed<HorizontalPodAutoscaler>("seed-hpa.yaml") with
        {
            Status = new HorizontalPodAutoscalerStatus
            {
                CurrentReplicas = 3,
                CurrentMetrics = [new MetricStatus { Type = "Resource", Resource = new ResourceMetricStatus { Name = "cpu", Current = new MetricValueStatus { AverageUtilization = 45 } } }],
            },
        };
        Assert.Equal("45%/70%", AutoscalingColumns.Targets(hpa));
    }

    [Fact]
    public void Render_RunningPodWide_ShowsReadyRestartsIpNode()
    {
        var pod = new Pod
        {
            Metadata = new ObjectMeta { Name = "my-app-abc", Namespace = "default", CreationTimestamp = Created },
            Spec = new PodSpec { NodeName = "edge-1", Containers = [new Container { Name = "app" }] },
            Status = new PodStatus
            {
                Phase = "Running",
                PodIP = "10.42.0.5",
                ContainerStatuses =
                [
                    new ContainerStatus
                    {
                        Name = "app", Ready = true, RestartCount = 2,
                        State = new ContainerState { Running = new ContainerStateRunning() },
                        LastState = new ContainerState { Terminated = new ContainerStateTerminated { FinishedAt = Now.AddMinutes(-3) } },
                    },
                ],
            },
        };
        Assert.Equal(
            "NAME         READY   STATUS    RESTARTS     AGE     IP          NODE     NOMINATED NODE   READINESS GATES\n" +
            "my-app-abc   1/1     Running   2 (3m ago)   5m10s   10.42.0.5   edge-1   <none>           <none>\n",
            Render(ResourceTypes.Pods, pod, wide: true));
    }

    [Theory]
    [InlineData("CrashLoopBackOff", null, "CrashLoopBackOff")]
    [InlineData(null, "Error", "Error")]
    public void Status_ContainerReason_WinsOverPhase(string? waiting, string? terminated, string expected)
    {
        var pod = new Pod
        {
            Spec = new PodSpec { Containers = [new Container { Name = "app" }] },
            Status = new PodStatus
            {
                Phase = "Running",
                ContainerStatuses =
                [
                    new ContainerStatus
                    {
                        Name = "app",
                        State = new ContainerState
                        {
                            Waiting = waiting is null ? null : new ContainerStateWaiting { Reason = waiting },
                            Terminated = terminated is null ? null : new ContainerStateTerminated { Reason = terminated, ExitCode = 1 },
                        },
                    },
                ],
            },
        };
        Assert.Equal(expected, PodColumns.Status(pod));
    }

    [Fact]
    public void Status_DeletionTimestamp_IsTerminating()
    {
        var pod = new Pod { Metadata = new ObjectMeta { DeletionTimestamp = Now }, Status = new PodStatus { Phase = "Running" } };
        Assert.Equal("Terminating", PodColumns.Status(pod));
    }

    [Fact]
    public void Render_NotReadyCordonedNode_CombinesStatus()
    {
        var node = new Node
        {
            Metadata = new ObjectMeta { Name = "edge-1", CreationTimestamp = Created, Labels = new() { ["node-role.kubernetes.io/control-plane"] = "" } },
            Spec = new NodeSpec { Unschedulable = true },
            Status = new NodeStatus { Conditions = [new NodeCondition { Type = "Ready", Status = "False" }], NodeInfo = new NodeSystemInfo { KubeletVersion = "v0.1.0" } },
        };
        Assert.Equal(
            "NAME     STATUS                        ROLES           AGE     VERSION\n" +
            "edge-1   NotReady,SchedulingDisabled   control-plane   5m10s   v0.1.0\n",
            Render(ResourceTypes.Nodes, node));
    }

    [Fact]
    public void Addresses_ManyEndpoints_TruncatesAfterThree()
    {
        var endpoints = new Endpoints
        {
            Subsets = [new EndpointSubset { Addresses = [new() { Ip = "10.0.0.1" }, new() { Ip = "10.0.0.2" }, new() { Ip = "10.0.0.3" }, new() { Ip = "10.0.0.4" }], Ports = [new EndpointPort { Port = 3000 }] }],
        };
        Assert.Equal("10.0.0.1:3000,10.0.0.2:3000,10.0.0.3:3000 + 1 more...", ServiceColumns.Addresses(endpoints));
    }

    [Fact]
    public void Format_LaterRowsWiderThanFirst_KeepEarlierWidths()
    {
        var printer = new TablePrinter(ColumnSets.For(ResourceTypes.Namespaces), wide: false, withNamespace: false);
        printer.Format([["NAME", "STATUS", "AGE"], ["a-very-long-name", "Active", "1s"]]);
        Assert.Equal("x" + new string(' ', 18) + "Active   2s\n", printer.Format([["x", "Active", "2s"]]));
    }
}
