using Drover.Agent.Pods.Tests;
using Drover.Api;
using Drover.Testing;

namespace Drover.Agent.Logs.Tests;

/// <summary>
/// `drover logs` with kubectl's selection flags, end to end through droverd and the agent to containerd's log files:
/// -l with --prefix over every matching pod, --since/--since-time (dropped by the agent by the runtime's timestamps),
/// --limit-bytes (the agent ends the stream, even following), and a pod with two containers and no -c.
/// </summary>
[Collection(LogsNodeCollection.Name)]
[Trait("Category", "Process")]
public sealed class LogsSelectionTests(LogsNodeFixture node)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>A pod printing "NAME one", "NAME two" then sleeping, with an idle sidecar, labelled app=<paramref name="app"/>.</summary>
    private async Task<string> RunAsync(string app)
    {
        var name = TestPods.NewName(app);
        await TestPods.CreateAsync(node.Admin, new Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new ObjectMeta { Name = name, Namespace = "default", Labels = new() { ["app"] = app } },
            Spec = new PodSpec
            {
                NodeName = LogsNodeFixture.NodeName,
                TerminationGracePeriodSeconds = 1,
                Containers =
                [
                    new Container { Name = "app", Image = "my-app:v1.0", Command = ["sh", "-c", $"echo {name} one; echo {name} two; sleep 3600"] },
                    new Container { Name = "side", Image = "my-app:v1.0", Command = ["sh", "-c", "echo side; sleep 3600"] },
                ],
            },
        });
        await TestPods.WaitForAsync(node.Admin, name, p => p.Status?.ContainerStatuses is { Count: 2 } s && s.TrueForAll(c => c.State?.Running is not null), StartTimeout, "Running");
        // Running is not written: wait until the runtime has the lines (a state, not a sleep).
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var log = await CliRunner.RunAsync(node.Droverd, "logs", name, "-c", "app");
            if (log.Stdout.Contains(" two\n", StringComparison.Ordinal))
                return name;
            Assert.True(DateTime.UtcNow < deadline, log.ToString());
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Logs_SelectorWithPrefix_EveryPodsDefaultContainer()
    {
        var app = TestPods.NewName("sel");
        var pods = new[] { await RunAsync(app), await RunAsync(app) };
        try
        {
            var result = await CliRunner.RunAsync(node.Droverd, "logs", "-l", $"app={app}", "--prefix");
            Assert.True(result.ExitCode == 0, result.ToString());
            foreach (var pod in pods)
                Assert.Contains($"[pod/{pod}/app] {pod} one\n[pod/{pod}/app] {pod} two\n", result.Stdout, StringComparison.Ordinal);
            Assert.Equal(4, result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.Equal(2, result.Stderr.Split("Defaulted container \"app\" out of: app, side\n").Length - 1);

            var all = await CliRunner.RunAsync(node.Droverd, "logs", "-l", $"app={app}", "--all-containers", "--prefix", "--tail", "1");
            Assert.True(all.ExitCode == 0, all.ToString());
            foreach (var pod in pods)
                Assert.Contains($"[pod/{pod}/app] {pod} two\n", all.Stdout, StringComparison.Ordinal);
            Assert.Equal(2, all.Stdout.Split($"/side] side\n").Length - 1);
        }
        finally
        {
            foreach (var pod in pods)
                await TestPods.DeleteQuietlyAsync(node.Admin, pod);
        }
    }

    [Fact]
    public async Task Logs_SinceAndLimitBytes_CutByTheAgent()
    {
        var pod = await RunAsync("since");
        try
        {
            var hour = await CliRunner.RunAsync(node.Droverd, "logs", pod, "-c", "app", "--since", "1h");
            Assert.True(hour.ExitCode == 0, hour.ToString());
            Assert.Equal($"{pod} one\n{pod} two\n", hour.Stdout);

            var future = DateTimeOffset.UtcNow.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
            var later = await CliRunner.RunAsync(node.Droverd, "logs", pod, "-c", "app", "--since-time", future);
            Assert.True(later.ExitCode == 0, later.ToString());
            Assert.Equal("", later.Stdout);

            var past = await CliRunner.RunAsync(node.Droverd, "logs", pod, "-c", "app", "--since-time", "2020-01-01T00:00:00Z");
            Assert.Equal($"{pod} one\n{pod} two\n", past.Stdout);

            // Following, too, ends once the bytes are sent.
            var cut = await CliRunner.RunAsync(node.Droverd, "logs", pod, "-c", "app", "-f", "--limit-bytes", "5");
            Assert.True(cut.ExitCode == 0, cut.ToString());
            Assert.Equal(pod[..5], cut.Stdout);

            var kubectl = await new Kubectl(node.Droverd.ClientConfigPath).RunAsync("logs", pod, "--limit-bytes", "5", "--since", "1h");
            Assert.True(kubectl.ExitCode == 0, kubectl.ToString());
            Assert.Equal(pod[..5], kubectl.Stdout);
            Assert.Equal("Defaulted container \"app\" out of: app, side\n", kubectl.Stderr);
            var drover = await CliRunner.RunAsync(node.Droverd, "logs", pod, "--limit-bytes", "5", "--since", "1h");
            Assert.Equal((kubectl.Stdout, kubectl.Stderr), (drover.Stdout, drover.Stderr));
        }
        finally
        {
            await TestPods.DeleteQuietlyAsync(node.Admin, pod);
        }
    }
}
