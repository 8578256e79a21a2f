using System.Net;
using System.Text.RegularExpressions;
using Drover.Agent.Logs.Tests;
using Drover.Agent.Pods.Tests;
using Drover.Api;
using Drover.Testing;
using k8s;

namespace Drover.Agent.Streams.Tests;

/// <summary>
/// Streams from clients other than kubectl, through droverd and the agent to containerd's streaming server over the
/// WebSocket channel protocol v4 (which containerd 1.6 speaks natively): `drover exec`, `drover port-forward` (the
/// ports reach the runtime in the CRI request), and the official .NET client's exec (KubernetesClient on NuGet);
/// `drover exec -i` over SPDY/3.1, whose stdin stream the client half-closes at the end of its input.
/// </summary>
[Collection(LogsNodeCollection.Name)]
[Trait("Category", "Process")]
public sealed class ClientStreamTests(LogsNodeFixture node)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private async Task<string> RunPodAsync(string prefix, Probe? readiness = null)
    {
        var name = TestPods.NewName(prefix);
        await TestPods.CreateAsync(node.Admin, new Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new ObjectMeta { Name = name, Namespace = "default" },
            Spec = new PodSpec
            {
                NodeName = LogsNodeFixture.NodeName,
                TerminationGracePeriodSeconds = 1,
                Containers = [new Container { Name = "app", Image = "my-app:v1.0", ReadinessProbe = readiness }],
            },
        });
        if (readiness is null)
            await TestPods.WaitForAsync(node.Admin, name, p => TestPods.App(p)?.State?.Running is not null, StartTimeout, "Running");
        else
            await TestPods.WaitForAsync(node.Admin, name, TestPods.IsReady, StartTimeout, "Ready");
        return name;
    }

    [Fact]
    public async Task DroverPortForward_FreeLocalPort_ReachesTheAppForEachConnection()
    {
        var name = await RunPodAsync("drpf", new Probe { HttpGet = new HttpGetAction { Path = "/health", Port = 3000 }, PeriodSeconds = 1 });
        try
        {
            using var forward = DroverCli.Start(node.Droverd, "port-forward", $"pod/{name}", ":3000");
            await forward.WaitForStdoutAsync(" -> 3000", TimeSpan.FromSeconds(30));
            var local = int.Parse(Regex.Match(forward.Stdout, @"Forwarding from 127\.0\.0\.1:(\d+) -> 3000").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(30) };
            for (var i = 0; i < 2; i++)
            {
                // A new connection each time (Connection: close): each is its own WebSocket session through droverd.
                using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{local}/health") { Headers = { ConnectionClose = true } };
                using var response = await http.SendAsync(request);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}\n{forward.Stdout}\n{forward.Stderr}");
            }

            Assert.Equal(2, Regex.Matches(forward.Stdout, $"Handling connection for {local}").Count);
            Assert.False(forward.HasExited, forward.Stderr);
        }
        finally
        {
            await TestPods.DeleteQuietlyAsync(node.Admin, name);
        }
    }

    [Fact]
    public async Task DroverExec_Plain_PrintsBothStreamsAndPassesTheExitCode()
    {
        var name = await RunPodAsync("drexec");
        try
        {
            var ok = await CliRunner.RunAsync(node.Droverd, "exec", name, "--", "sh", "-c", "echo hello from $(hostname)");
            Assert.True(ok.ExitCode == 0, ok.ToString());
            Assert.Equal($"hello from {name}\n", ok.Stdout);

            var failed = await CliRunner.RunAsync(node.Droverd, "exec", $"pod/{name}", "-c", "app", "--", "sh", "-c", "echo out; echo err >&2; exit 3");
            Assert.True(failed.ExitCode == 3, failed.ToString());
            Assert.Equal("out\n", failed.Stdout);
            Assert.Contains("err\n", failed.Stderr, StringComparison.Ordinal);
            Assert.Contains("command terminated with exit code 3", failed.Stderr, StringComparison.Ordinal);

            var container = await CliRunner.RunAsync(node.Droverd, "exec", name, "-c", "nosuch", "--", "true");
            Assert.True(container.ExitCode == 1, container.ToString());
            Assert.Contains($"container nosuch is not valid for pod {name}", container.Stderr, StringComparison.Ordinal);

            var pod = await CliRunner.RunAsync(node.Droverd, "exec", "no-such-pod", "--", "true");
            Assert.True(pod.ExitCode == 1, pod.ToString());
            Assert.Contains("pods \"no-such-pod\" not found", pod.Stderr, StringComparison.Ordinal);

            var binary = await CliRunner.RunAsync(node.Droverd, "exec", name, "--", "/no/such/binary");
            Assert.NotEqual(0, binary.ExitCode);
            Assert.Contains("no/such/binary", binary.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            await TestPods.DeleteQuietlyAsync(node.Admin, name);
        }
    }

    [Fact]
    public async Task DroverExecStdin_OverSpdy_TheCommandSeesTheEndOfItsInput()
    {
        var name = await RunPodAsync("drexeci");
        try
        {
            // echo hi | drover exec -i POD -- cat: cat ends because stdin's stream is half-closed (SPDY FIN).
            var echo = await CliRunner.RunWithInputAsync(node.Droverd, "hi\n", "exec", "-i", name, "--", "cat");
            Assert.True(echo.ExitCode == 0, echo.ToString());
            Assert.Equal("hi\n", echo.Stdout);

            var empty = await CliRunner.RunWithInputAsync(node.Droverd, "", "exec", "-i", name, "--", "cat");
            Assert.True(empty.ExitCode == 0, empty.ToString());
            Assert.Equal("", empty.Stdout);

            var failed = await CliRunner.RunWithInputAsync(node.Droverd, "in\n", "exec", "-i", $"pod/{name}", "--", "sh", "-c", "cat; echo err >&2; exit 3");
            Assert.True(failed.ExitCode == 3, failed.ToString());
            Assert.Equal("in\n", failed.Stdout);
            Assert.Contains("err\n", failed.Stderr, StringComparison.Ordinal);
            Assert.Contains("command terminated with exit code 3", failed.Stderr, StringComparison.Ordinal);

            // 1 MiB: sixteen times SPDY's initial 64 KiB window, in 32 KiB data frames.
            var big = await CliRunner.RunWithInputAsync(node.Droverd, new string('x', 1 << 20), "exec", "-i", name, "--", "wc", "-c");
            Assert.True(big.ExitCode == 0, big.ToString());
            Assert.Equal("1048576", big.Stdout.Trim());
        }
        finally
        {
            await TestPods.DeleteQuietlyAsync(node.Admin, name);
        }
    }

    [Fact]
    public async Task KubernetesClientExec_Command_ReadsStdoutAndTheExitCode()
    {
        var name = await RunPodAsync("netexec");
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(node.Droverd.ClientConfigPath));
        try
        {
            var stdout = "";
            var stderr = "";
            var code = await client.NamespacedPodExecAsync(name, "default", "app", ["sh", "-c", "echo out; echo err >&2; exit 2"], false,
                async (_, output, error) =>
                {
                    using var outReader = new StreamReader(output);
                    using var errReader = new StreamReader(error);
                    var both = await Task.WhenAll(outReader.ReadToEndAsync(), errReader.ReadToEndAsync());
                    (stdout, stderr) = (both[0], both[1]);
                }, CancellationToken.None);

            Assert.Equal(2, code);
            Assert.Equal("out\n", stdout);
            Assert.Equal("err\n", stderr);
        }
        finally
        {
            await TestPods.DeleteQuietlyAsync(node.Admin, name);
        }
    }
}
