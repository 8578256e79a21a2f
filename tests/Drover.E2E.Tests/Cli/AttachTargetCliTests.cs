using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;

namespace Drover.E2E.Cli.Tests;

/// <summary>
/// `drover exec` and `drover port-forward` TYPE/NAME against a real droverd, for what fails before any node is asked
/// (the streams themselves: Drover.Agent.Tests, Streams/TypeNameTargetTests), in the real kubectl 1.32's words.
/// </summary>
[Trait("Category", "Process")]
public sealed class AttachTargetCliTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private readonly DroverdProcess _server = fixture.Server;
    private readonly DroverClient _client = fixture.Server.Client();

    [Fact]
    public async Task ExecAndPortForward_KindsWithoutSelector_RefusedAsKubectl()
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
        var kubectl = new Kubectl(_server.ClientConfigPath);

        foreach (var args in new[] { new[] { "exec", "svc/external", "-n", ns, "--", "true" }, ["port-forward", "svc/external", "80", "-n", ns], ["exec", "cm/settings", "-n", ns, "--", "true"], ["exec", "cm/missing", "-n", ns, "--", "true"] })
        {
            var drover = await CliRunner.RunAsync(_server, args);
            var real = await kubectl.RunAsync(args);
            Assert.Equal(1, drover.ExitCode);
            Assert.Equal(real.Stderr, drover.Stderr);
        }
        var service = await CliRunner.RunAsync(_server, "exec", "svc/external", "-n", ns, "--", "true");
        Assert.Equal("error: cannot attach to *v1.Service: invalid service 'external': Service is defined without a selector\n", service.Stderr);
    }

    [Fact]
    public async Task Exec_DeploymentSelectingNoPod_WaitsThenTimesOut()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var labels = new Dictionary<string, string> { ["app"] = "nobody" };
        await _client.CreateAsync(ResourceTypes.Deployments, new Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new ObjectMeta { Name = "nobody", Namespace = ns },
            Spec = new DeploymentSpec
            {
                Replicas = 0,
                Selector = new LabelSelector { MatchLabels = labels },
                Template = new PodTemplateSpec { Metadata = new ObjectMeta { Labels = labels }, Spec = new PodSpec { Containers = [new Container { Name = "app", Image = "x" }] } },
            },
        });

        var exec = await CliRunner.RunAsync(_server, "exec", "deploy/nobody", "--pod-running-timeout=1s", "-n", ns, "--", "true");
        var forward = await CliRunner.RunAsync(_server, "port-forward", "deploy/nobody", "80", "--pod-running-timeout=1s", "-n", ns);
        var zero = await CliRunner.RunAsync(_server, "exec", "deploy/nobody", "--pod-running-timeout=0", "-n", ns, "--", "true");

        Assert.Equal(1, exec.ExitCode);
        Assert.Equal("error: timed out waiting for the condition\n", exec.Stderr);
        Assert.Equal(1, forward.ExitCode);
        Assert.Equal("error: timed out waiting for the condition\n", forward.Stderr);
        Assert.Equal(1, zero.ExitCode);
        Assert.Equal("error: --pod-running-timeout must be higher than zero\n", zero.Stderr);
    }
}
