using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;

namespace Drover.E2E.Cli.Tests;

/// <summary>`drover logs` against a real droverd, for what fails before any node is asked (the rest: Drover.Agent.Tests, Logs/).</summary>
[Trait("Category", "Process")]
public sealed class LogsCommandTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private readonly DroverdProcess _server = fixture.Server;
    private readonly DroverClient _client = fixture.Server.Client();

    private async Task<string> CreatePodAsync(string prefix, string ns = "default", Dictionary<string, string>? labels = null, Dictionary<string, string>? annotations = null, params string[] containers)
    {
        var name = $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
        await _client.CreateAsync(ResourceTypes.Pods, new Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new ObjectMeta { Name = name, Namespace = ns, Labels = labels, Annotations = annotations },
            Spec = new PodSpec { NodeName = "n1", Containers = [.. (containers.Length == 0 ? ["a"] : containers).Select(c => new Container { Name = c, Image = "x" })] },
        });
        return name;
    }

    /// <summary>Both CLIs on the same arguments: the same exit code and stderr (the server's errors included).</summary>
    private async Task<CliResult> RunLikeKubectlAsync(params string[] args)
    {
        var drover = await CliRunner.RunAsync(_server, args);
        var kubectl = await new Kubectl(_server.ClientConfigPath).RunAsync(args);
        Assert.True(kubectl.ExitCode == drover.ExitCode, $"kubectl:\n{kubectl}\ndrover:\n{drover}");
        Assert.Equal(kubectl.Stderr.Replace("kubectl", "drover", StringComparison.Ordinal), drover.Stderr);
        return drover;
    }

    /// <summary>kubectl 1.32 picks the container itself (the annotation, else the first) and says so; the node has no agent, which names the pod.</summary>
    [Fact]
    public async Task Logs_SeveralContainersWithoutC_DefaultContainerAsKubectl()
    {
        var plain = await CreatePodAsync("two", containers: ["a", "b"]);
        var annotated = await CreatePodAsync("ann", annotations: new() { ["kubectl.kubernetes.io/default-container"] = "b" }, containers: ["a", "b"]);
        var stale = await CreatePodAsync("stale", annotations: new() { ["kubectl.kubernetes.io/default-container"] = "gone" }, containers: ["a", "b"]);

        var result = await RunLikeKubectlAsync("logs", plain);
        Assert.Equal($"Defaulted container \"a\" out of: a, b\nError from server (BadRequest): pod {plain} is bound to node n1, which is not registered\n", result.Stderr);
        await RunLikeKubectlAsync("logs", annotated);
        await RunLikeKubectlAsync("logs", stale);
        await RunLikeKubectlAsync("logs", plain, "-c", "nosuch");
        await RunLikeKubectlAsync("logs", plain, "b", "-c", "a");
    }

    [Fact]
    public async Task Logs_FlagsRefusedAsKubectl()
    {
        var name = await CreatePodAsync("flags");

        await RunLikeKubectlAsync("logs", name, "--since", "1m", "--since-time", "2026-01-02T15:04:05Z");
        await RunLikeKubectlAsync("logs", name, "--limit-bytes", "-1");
        await RunLikeKubectlAsync("logs", name, "--all-containers", "-c", "a");
        var both = await CliRunner.RunAsync(_server, "logs", name, "-l", "app=x");
        Assert.Equal(1, both.ExitCode);
        Assert.StartsWith("error: only a selector (-l) or a POD name is allowed\n", both.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_Selector_EveryMatchingPod_AsKubectl()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var labels = new Dictionary<string, string> { ["app"] = "many" };
        for (var i = 0; i < 3; i++)
            await CreatePodAsync("many", ns, labels, containers: ["a", "b"]);

        var none = await RunLikeKubectlAsync("logs", "-l", "app=nobody", "-n", ns);
        Assert.Equal(0, none.ExitCode);
        Assert.Equal($"No resources found in {ns} namespace.\n", none.Stderr);
        var tooMany = await RunLikeKubectlAsync("logs", "-l", "app=many", "--all-containers", "-f", "-n", ns);
        Assert.Equal("error: you are attempting to follow 6 log streams, but maximum allowed concurrency is 5, use --max-log-requests to increase the limit\n", tooMany.Stderr);
        // Every pod is read (each says its default container); the first request fails, the node having no agent.
        var first = await CliRunner.RunAsync(_server, "logs", "-l", "app=many", "-n", ns);
        Assert.Equal(1, first.ExitCode);
        Assert.Contains("Defaulted container \"a\" out of: a, b\n", first.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_BadTail_RefusedAsKubectl()
    {
        var name = $"tail-{Guid.NewGuid().ToString("N")[..8]}";
        await _client.CreateAsync(ResourceTypes.Pods, new Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new ObjectMeta { Name = name, Namespace = "default" },
            Spec = new PodSpec { NodeName = "n1", Containers = [new Container { Name = "a", Image = "x" }] },
        });

        var result = await CliRunner.RunAsync(_server, "logs", name, "--tail", "-5");
        var kubectl = await new Kubectl(_server.ClientConfigPath).RunAsync("logs", name, "--tail", "-5");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: --tail must be greater than or equal to -1\n", result.Stderr);
        Assert.Equal(kubectl.Stderr, result.Stderr);
    }

    [Fact]
    public async Task Logs_MissingDeployment_ExitsOneNotFound()
    {
        var result = await CliRunner.RunAsync(_server, "logs", "deploy/no-such-app");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("Error from server (NotFound): deployments.apps \"no-such-app\" not found\n", result.Stderr);
    }

    /// <summary>
    /// deploy/NAME, rs/NAME, svc/NAME and job/NAME read the pod kubectl would: bound, Running, ready, ready longest
    /// (here the one the server then turns down, its node having no agent, which names the pod chosen), saying so on
    /// stderr as kubectl does; the real kubectl 1.32 prints the same.
    /// </summary>
    [Fact]
    public async Task Logs_ControllerArguments_PickPodAsKubectl()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var app = "picked";
        var labels = new Dictionary<string, string> { ["app"] = app };
        var selector = new LabelSelector { MatchLabels = labels };
        var template = new PodTemplateSpec { Metadata = new ObjectMeta { Labels = labels }, Spec = new PodSpec { Containers = [new Container { Name = "app", Image = "x" }] } };
        // No replicas: the pods are the test's own (the Deployment's ReplicaSet selects pod-template-hash too, so adopts none).
        await _client.CreateAsync(ResourceTypes.Deployments, new Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new ObjectMeta { Name = app, Namespace = ns },
            Spec = new DeploymentSpec { Replicas = 0, Selector = selector, Template = template },
        });
        await _client.CreateAsync(ResourceTypes.Services, new Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new ObjectMeta { Name = app, Namespace = ns },
            Spec = new ServiceSpec { Selector = labels, Ports = [new ServicePort { Port = 80 }] },
        });
        foreach (var name in new[] { "a-unbound", "b-not-ready", "c-ready" })
        {
            await _client.CreateAsync(ResourceTypes.Pods, new Pod
            {
                ApiVersion = "v1",
                Kind = "Pod",
                Metadata = new ObjectMeta { Name = name, Namespace = ns, Labels = labels },
                Spec = new PodSpec { NodeName = name == "a-unbound" ? null : "n1", Containers = [new Container { Name = "app", Image = "x" }] },
            });
        }
        await StandInNode.ReportPodAsync(_client, ns, "b-not-ready", "10.42.0.2", ready: false);
        await StandInNode.ReportPodAsync(_client, ns, "c-ready", "10.42.0.3", ready: true);
        const string expected = "Found 3 pods, using pod/c-ready\nError from server (BadRequest): pod c-ready is bound to node n1, which is not registered\n";

        foreach (var target in new[] { "deploy/" + app, "deployment.apps/" + app, "svc/" + app })
        {
            var result = await CliRunner.RunAsync(_server, "logs", target, "-n", ns);
            Assert.Equal(1, result.ExitCode);
            Assert.Equal(expected, result.Stderr);
            Assert.Equal("", result.Stdout);
        }
        var kubectl = await new Kubectl(_server.ClientConfigPath).RunAsync("logs", "deploy/" + app, "-n", ns);
        Assert.Equal(1, kubectl.ExitCode);
        Assert.Equal(expected, kubectl.Stderr);
    }

    [Fact]
    public async Task Logs_KindsWithoutSelector_RefusedInKubectlsWords()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await _client.CreateAsync(ResourceTypes.Services, new Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new ObjectMeta { Name = "external", Namespace = ns },
            Spec = new ServiceSpec { Ports = [new ServicePort { Port = 80 }] },
        });
        await _client.CreateAsync(ResourceTypes.ConfigMaps, new ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new ObjectMeta { Name = "settings", Namespace = ns } });

        var service = await CliRunner.RunAsync(_server, "logs", "svc/external", "-n", ns);
        var configMap = await CliRunner.RunAsync(_server, "logs", "cm/settings", "-n", ns);

        Assert.Equal(1, service.ExitCode);
        Assert.Equal("error: cannot get the logs from *v1.Service: invalid service 'external': Service is defined without a selector\n", service.Stderr);
        Assert.Equal(1, configMap.ExitCode);
        Assert.Equal("error: cannot get the logs from *v1.ConfigMap: selector for *v1.ConfigMap not implemented\n", configMap.Stderr);
    }

    [Fact]
    public async Task Logs_ObjectSelectingNoPod_WaitsThenTimesOut()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var labels = new Dictionary<string, string> { ["app"] = "nobody" };
        await _client.CreateAsync(ResourceTypes.ReplicaSets, new ReplicaSet
        {
            ApiVersion = "apps/v1",
            Kind = "ReplicaSet",
            Metadata = new ObjectMeta { Name = "nobody", Namespace = ns },
            Spec = new ReplicaSetSpec
            {
                Replicas = 0,
                Selector = new LabelSelector { MatchLabels = labels },
                Template = new PodTemplateSpec { Metadata = new ObjectMeta { Labels = labels }, Spec = new PodSpec { Containers = [new Container { Name = "app", Image = "x" }] } },
            },
        });

        var result = await CliRunner.RunAsync(_server, "logs", "rs/nobody", "--pod-running-timeout=1s", "-n", ns);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: timed out waiting for the condition\n", result.Stderr);
    }
}
