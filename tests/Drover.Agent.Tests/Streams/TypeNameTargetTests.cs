using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Drover.Agent.Logs.Tests;
using Drover.Agent.Pods.Tests;
using Drover.Api;
using Drover.Testing;

namespace Drover.Agent.Streams.Tests;

/// <summary>
/// `drover exec` and `drover port-forward` with TYPE/NAME, on a real droverd, agent and containerd: deploy/NAME and
/// svc/NAME reach the pod the object selects, the default container is kubectl's (said on stderr as the real kubectl 1.32
/// says it), and `port-forward svc/NAME` forwards the Service's port to the pod's named targetPort.
/// </summary>
[Collection(LogsNodeCollection.Name)]
[Trait("Category", "Process")]
public sealed class TypeNameTargetTests(LogsNodeFixture node)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>A Ready pod of the sample app (port 3000, named http) with a sidecar, selected by a Deployment with no replicas of its own and a Service.</summary>
    private async Task<(string App, string Pod)> RunSelectedPodAsync()
    {
        var app = TestPods.NewName("tn");
        var labels = new Dictionary<string, string> { ["app"] = app };
        var pod = app + "-pod";
        await TestPods.CreateAsync(node.Admin, new Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new ObjectMeta { Name = pod, Namespace = "default", Labels = labels },
            Spec = new PodSpec
            {
                NodeName = LogsNodeFixture.NodeName,
                TerminationGracePeriodSeconds = 1,
                Containers =
                [
                    new Container
                    {
                        Name = "app",
                        Image = "my-app:v1.0",
                        Ports = [new ContainerPort { Name = "http", Port = 3000 }],
                        ReadinessProbe = new Probe { HttpGet = new HttpGetAction { Path = "/health", Port = 3000 }, PeriodSeconds = 1 },
                    },
                    new Container { Name = "side", Image = "my-app:v1.0", Command = ["sleep", "3600"] },
                ],
            },
        });
        // No replicas: the pod is the test's own (the Deployment's ReplicaSet selects pod-template-hash too, so adopts none).
        await node.Admin.CreateAsync(ResourceTypes.Deployments, new Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new ObjectMeta { Name = app, Namespace = "default" },
            Spec = new DeploymentSpec
            {
                Replicas = 0,
                Selector = new LabelSelector { MatchLabels = labels },
                Template = new PodTemplateSpec { Metadata = new ObjectMeta { Labels = labels }, Spec = new PodSpec { Containers = [new Container { Name = "app", Image = "my-app:v1.0" }] } },
            },
        });
        await node.Admin.CreateAsync(ResourceTypes.Services, new Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new ObjectMeta { Name = app, Namespace = "default" },
            Spec = new ServiceSpec { Selector = labels, Ports = [new ServicePort { Name = "web", Port = 80, TargetPort = "http" }] },
        });
        await TestPods.WaitForAsync(node.Admin, pod, TestPods.IsReady, StartTimeout, "Ready");
        return (app, pod);
    }

    private async Task DeleteAsync(string app, string pod)
    {
        await node.Admin.DeleteAsync(ResourceTypes.Services, "default", app);
        await node.Admin.DeleteAsync(ResourceTypes.Deployments, "default", app);
        await TestPods.DeleteQuietlyAsync(node.Admin, pod);
    }

    [Fact]
    public async Task Exec_DeployAndSvc_RunInTheSelectedPod_DefaultContainerAsKubectl()
    {
        var (app, pod) = await RunSelectedPodAsync();
        try
        {
            const string defaulted = "Defaulted container \"app\" out of: app, side\n";
            foreach (var target in new[] { $"deploy/{app}", $"svc/{app}", $"deployment.apps/{app}" })
            {
                var result = await CliRunner.RunAsync(node.Droverd, "exec", target, "--", "hostname");
                Assert.True(result.ExitCode == 0, result.ToString());
                Assert.Equal(pod + "\n", result.Stdout);
                Assert.Equal(defaulted, result.Stderr);
            }

            var kubectl = await new Kubectl(node.Droverd.ClientConfigPath).RunAsync("exec", $"deploy/{app}", "--", "hostname");
            Assert.True(kubectl.ExitCode == 0, kubectl.ToString());
            Assert.Equal(pod + "\n", kubectl.Stdout);
            Assert.Equal(defaulted, kubectl.Stderr);

            var sidecar = await CliRunner.RunAsync(node.Droverd, "exec", $"svc/{app}", "-c", "side", "--", "sh", "-c", "echo side");
            Assert.True(sidecar.ExitCode == 0, sidecar.ToString());
            Assert.Equal("side\n", sidecar.Stdout);
            Assert.Equal("", sidecar.Stderr);
        }
        finally
        {
            await DeleteAsync(app, pod);
        }
    }

    [Fact]
    public async Task PortForward_Svc_ForwardsTheServicePortToTheNamedTargetPort()
    {
        var (app, pod) = await RunSelectedPodAsync();
        try
        {
            using var forward = DroverCli.Start(node.Droverd, "port-forward", $"svc/{app}", ":web");
            await forward.WaitForStdoutAsync(" -> 3000", TimeSpan.FromSeconds(30));
            var local = int.Parse(Regex.Match(forward.Stdout, @"Forwarding from 127\.0\.0\.1:(\d+) -> 3000").Groups[1].Value, CultureInfo.InvariantCulture);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{local}/health"));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}\n{forward.Stdout}\n{forward.Stderr}");
            Assert.False(forward.HasExited, forward.Stderr);

            var missing = await CliRunner.RunAsync(node.Droverd, "port-forward", $"svc/{app}", "81");
            Assert.Equal(1, missing.ExitCode);
            Assert.Equal($"error: Service {app} does not have a service port 81\n", missing.Stderr);
            var kubectl = await new Kubectl(node.Droverd.ClientConfigPath).RunAsync("port-forward", $"svc/{app}", "81");
            Assert.Equal(missing.Stderr, kubectl.Stderr);
        }
        finally
        {
            await DeleteAsync(app, pod);
        }
    }
}
