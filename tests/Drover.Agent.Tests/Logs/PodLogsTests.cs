using System.Text;
using System.Text.RegularExpressions;
using Drover.Agent.Pods.Tests;
using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;

namespace Drover.Agent.Logs.Tests;

/// <summary>
/// `drover logs` end to end: the CLI asks droverd, droverd proxies to the node's agent over TLS with its
/// client certificate (pinning the agent's), the agent reads the CRI log file containerd wrote.
/// </summary>
[Collection(LogsNodeCollection.Name)]
[Trait("Category", "Process")]
public sealed class PodLogsTests(LogsNodeFixture node)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private static Pod ShellPod(string name, string script, string restartPolicy = "Always") => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new ObjectMeta { Name = name, Namespace = "default" },
        Spec = new PodSpec
        {
            NodeName = LogsNodeFixture.NodeName,
            RestartPolicy = restartPolicy,
            TerminationGracePeriodSeconds = 1,
            Containers = [new Container { Name = "app", Image = "my-app:v1.0", Command = ["sh", "-c", script] }],
        },
    };

    /// <summary>Creates the pod and waits until it runs and its log holds <paramref name="expected"/>.</summary>
    private async Task<Pod> RunAsync(string name, string script, string expected)
    {
        await TestPods.CreateAsync(node.Admin, ShellPod(name, script));
        var pod = await TestPods.WaitForAsync(node.Admin, name, p => TestPods.App(p)?.State?.Running is not null, StartTimeout, "Running");
        await WaitForLogAsync(name, expected);
        return pod;
    }

    private async Task<string> ReadLogAsync(DroverClient client, string name, bool previous = false)
    {
        using var body = await client.GetStreamAsync(DroverClient.PodLogPath("default", name, previous: previous));
        using var reader = new StreamReader(body, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    private async Task WaitForLogAsync(string name, string expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        var log = "";
        while (DateTime.UtcNow < deadline)
        {
            log = await ReadLogAsync(node.Admin, name);
            if (log.Contains(expected, StringComparison.Ordinal))
                return;
            await Task.Delay(200);
        }

        throw new TimeoutException($"the log of pod {name} did not come to hold \"{expected}\"; it holds:\n{log}");
    }

    [Fact]
    public async Task Logs_PodPrintedLines_CliPrintsThemInOrder()
    {
        var name = TestPods.NewName("logs");
        try
        {
            // The pauses order the stderr line between the others: the runtime copies each stream on its own.
            await RunAsync(name, "echo one; echo two; sleep 0.3; echo three >&2; sleep 0.3; echo four; sleep 3600", "four");

            var result = await CliRunner.RunAsync(node.Droverd, "logs", name);

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal("one\ntwo\nthree\nfour\n", result.Stdout);
            Assert.Equal("", result.Stderr);
        }
        finally
        {
            await TestPods.DeleteQuietlyAsync(node.Admin, name);
        }
    }

    [Fact]
    public async Task Logs_Tail2_CliPrintsLastTwoLines()
    {
        var name = TestPods.NewName("tail");
        try
        {
            await RunAsync(name, "for i in 1 2 3 4 5; do echo line-$i; done; sleep 3600", "line-5");

            var result = await CliRunner.RunAsync(node.Droverd, "logs", name, "--tail", "2");

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal("line-4\nline-5\n", result.Stdout);
        }
        finally
        {
            await TestPods.DeleteQuietlyAsync(node.Admin, name);
        }
    }

    [Fact]
    public async Task Logs_Timestamps_EachLinePrefixedWithRuntimeTime()
    {
        var name = TestPods.NewName("stamps");
        try
        {
            await RunAsync(name, "echo a; echo b; sleep 3600", "b");

            var result = await CliRunner.RunAsync(node.Droverd, "logs", name, "--timestamps");

            Assert.True(result.ExitCode == 0, result.ToString());
            var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, lines.Length);
            Assert.Matches(StampedLine("a"), lines[0]);
            Assert.Matches(StampedLine("b"), lines[1]);
        }
        finally
        {
            await TestPods.DeleteQuietlyAsync(node.Admin, name);
        }
    }

    private static Regex StampedLine(string message) => new($"^\\d{{4}}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?(Z|[+-]\\d\\d:\\d\\d) {message}$");

    [Fact]
    public async Task LogsFollow_LinePrintedAfterRequestStarted_Arrives()
    {
        var name = TestPods.NewName("follow");
        try
        {
            var pod = await RunAsync(name, "echo ready; sleep 3600", "ready");
            using var cli = DroverCli.Start(node.Droverd, "logs", "-f", name);
            // Output from this very request proves the stream is open before the next line is written.
            await cli.WaitForStdoutAsync("ready\n", TimeSpan.FromSeconds(30));

            var marker = "written-later-" + Guid.NewGuid().ToString("N")[..8];
            var containerId = TestPods.App(pod)!.ContainerID!["containerd://".Length..];
            // A process exec'd into the container writes to the main process's stdout, i.e. into the CRI log.
            var exec = await node.Cri.ExecSyncAsync(containerId, ["sh", "-c", $"echo {marker} > /proc/1/fd/1"], TimeSpan.FromSeconds(10));
            Assert.Equal(0, exec.ExitCode);

            await cli.WaitForStdoutAsync(marker + "\n", TimeSpan.FromSeconds(10));
            Assert.False(cli.HasExited, "logs -f ended while the container still runs:\n" + cli.Stderr);

            // The user's Ctrl-C travels on: droverd drops its request to the agent, which stops following.
            cli.Dispose();
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (node.Agent.ActiveLogConnections > 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "the agent still follows the log of a caller that went away");
                await Task.Delay(50);
            }
        }
        finally
        {
            await TestPods.DeleteQuietlyAsync(node.Admin, name);
        }
    }

    [Fact]
    public async Task LogsFollow_ContainerExits_StreamEndsAfterItsLastLine()
    {
        var name = TestPods.NewName("ends");
        try
        {
            await TestPods.CreateAsync(node.Admin, ShellPod(name, "echo first; sleep 3; echo last", restartPolicy: "Never"));
            await TestPods.WaitForAsync(node.Admin, name, p => TestPods.App(p)?.State?.Running is not null || p.Status?.Phase == "Succeeded", StartTimeout, "Running");

            using var cli = DroverCli.Start(node.Droverd, "logs", "-f", name);
            var exit = await cli.WaitForExitAsync(TimeSpan.FromSeconds(30));

            Assert.True(exit == 0, cli.Stderr);
            Assert.Equal("first\nlast\n", cli.Stdout);
        }
        finally
        {
            await TestPods.DeleteQuietlyAsync(node.Admin, name);
        }
    }

    [Fact]
    public async Task LogsPrevious_RestartedContainer_PrintsTheEarlierRun()
    {
        var name = TestPods.NewName("previous");
        try
        {
            await TestPods.CreateAsync(node.Admin, ShellPod(name, "echo run $(cat /proc/sys/kernel/random/uuid); sleep 1; exit 1"));
            await TestPods.WaitForAsync(node.Admin, name, p => TestPods.App(p) is { RestartCount: >= 1 }, StartTimeout, "restarted once");
            await WaitForLogAsync(name, "run ");

            var previous = await ReadLogAsync(node.Admin, name, previous: true);
            var current = await ReadLogAsync(node.Admin, name);

            Assert.Matches("^run [0-9a-f-]{36}\n$", previous);
            Assert.Matches("^run [0-9a-f-]{36}\n$", current);
            Assert.NotEqual(current, previous);
        }
        finally
        {
            await TestPods.DeleteQuietlyAsync(node.Admin, name);
        }
    }

    [Fact]
    public async Task LogsPrevious_NeverRestarted_ExitsNonZeroNamingTheContainer()
    {
        var name = TestPods.NewName("noprev");
        try
        {
            await RunAsync(name, "echo only; sleep 3600", "only");

            var result = await CliRunner.RunAsync(node.Droverd, "logs", "-p", name);

            Assert.Equal(1, result.ExitCode);
            Assert.Equal("", result.Stdout);
            Assert.Contains($"Error from server (BadRequest): previous terminated container \"app\" in pod \"{name}\" not found", result.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            await TestPods.DeleteQuietlyAsync(node.Admin, name);
        }
    }

    [Fact]
    public async Task Logs_NodeCredential_Forbidden()
    {
        var e = await Assert.ThrowsAsync<ApiClientException>(() => ReadLogAsync(node.NodeApi, "any-pod"));

        Assert.Equal(403, e.Code);
        Assert.Equal("Forbidden", e.Reason);
        Assert.Contains($"User \"system:node:{LogsNodeFixture.NodeName}\" cannot get resource \"pods/log\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_UnknownPod_CliExitsNonZeroWithNotFound()
    {
        var result = await CliRunner.RunAsync(node.Droverd, "logs", "no-such-pod");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("Error from server (NotFound): pods \"no-such-pod\" not found\n", result.Stderr);
    }
}
