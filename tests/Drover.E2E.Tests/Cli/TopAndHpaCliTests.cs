using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;

namespace Drover.E2E.Cli.Tests;

/// <summary>`top nodes|pods` through the built CLI against a real droverd (`get/describe hpa`: in HpaControllerTests).</summary>
[Trait("Category", "Process")]
public sealed class TopAndHpaCliTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private const long Second = UsageReports.Second;
    private readonly DroverdProcess _server = fixture.Server;
    private readonly DroverClient _client = fixture.Server.Client();

    private async Task<Pod> PodAsync(string ns, string name) =>
        await _client.CreateAsync(ResourceTypes.Pods, new Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new ObjectMeta { Name = name, Namespace = ns, Labels = new() { ["app"] = name } },
            Spec = new PodSpec { Containers = [new Container { Name = "app", Image = "my-app:v1.0" }] },
        });

    [Fact]
    public async Task TopPods_UsageInMillicoresAndMebibytes_SelectorAndContainers()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var web = await PodAsync(ns, "web");
        var db = await PodAsync(ns, "db");
        var node = "top-" + ns;
        await UsageReports.SendAsync(_client, node, UsageReports.At(0, 0, 0, (web, 0, 0), (db, 0, 0)));
        await UsageReports.SendAsync(_client, node, UsageReports.At(1, Second, 1 << 30, (web, Second / 4, 96 << 20), (db, Second / 100, 300 << 20)));

        var all = await CliRunner.RunAsync(_server, "top", "pods", "-n", ns);
        var selected = await CliRunner.RunAsync(_server, "top", "pods", "-n", ns, "-l", "app=web", "--containers");

        Assert.True(all.ExitCode == 0, all.ToString());
        Assert.Equal("NAME   CPU(cores)   MEMORY(bytes)\ndb     10m          300Mi\nweb    250m         96Mi\n", all.Stdout);
        Assert.True(selected.ExitCode == 0, selected.ToString());
        Assert.Equal("POD   NAME   CPU(cores)   MEMORY(bytes)\nweb   app    250m         96Mi\n", selected.Stdout);
    }

    [Fact]
    public async Task TopPods_NothingMeasured_SaysSoAndFails()
    {
        var ns = await TestNamespaces.CreateAsync(_client);

        var result = await CliRunner.RunAsync(_server, "top", "pods", "-n", ns);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"No resources found in {ns} namespace.", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TopNode_ShareOfAllocatable()
    {
        var name = "top-node-" + Guid.NewGuid().ToString("N")[..6];
        await using var node = await StandInNode.StartAsync(_client, name, cpu: "2", memory: "4Gi");
        await UsageReports.SendAsync(_client, name, UsageReports.At(0, 0, 0));
        await UsageReports.SendAsync(_client, name, UsageReports.At(2, Second, 1L << 30));

        var result = await CliRunner.RunAsync(_server, "top", "node", name);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"NAME{new string(' ', name.Length - 1)}CPU(cores)   CPU%   MEMORY(bytes)   MEMORY%\n{name}   500m         25%    1024Mi          25%\n", result.Stdout);
    }
}
