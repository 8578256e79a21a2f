using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Drover.Agent.Logs.Tests;
using Drover.Agent.Pods.Tests;
using Drover.Api;
using Drover.Testing;

namespace Drover.Agent.Streams.Tests;

/// <summary>
/// The real kubectl 1.32 streams through droverd to a real agent and containerd: exec (plain with its exit code, and
/// -it under a pty), port-forward with an HTTP GET through it, cp both ways, attach. kubectl tries WebSockets first
/// (v5.channel.k8s.io, SPDY over WebSocket for port-forward), which containerd 1.6 does not speak; the agent refuses
/// those before making a session and kubectl takes its SPDY/3.1 fallback, relayed byte for byte to containerd.
/// </summary>
[Collection(LogsNodeCollection.Name)]
[Trait("Category", "Process")]
public sealed class KubectlStreamTests(LogsNodeFixture node)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private Kubectl Kubectl => new(node.Droverd.ClientConfigPath);

    private static Pod AppPod(string name, params string[] command) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new ObjectMeta { Name = name, Namespace = "default" },
        Spec = new PodSpec
        {
            NodeName = LogsNodeFixture.NodeName,
            TerminationGracePeriodSeconds = 1,
            Containers = [new Container { Name = "app", Image = "my-app:v1.0", Command = command.Length == 0 ? null : [.. command] }],
        },
    };

    private async Task<string> RunPodAsync(string prefix, params string[] command)
    {
        var name = TestPods.NewName(prefix);
        await TestPods.CreateAsync(node.Admin, AppPod(name, command));
        await TestPods.WaitForAsync(node.Admin, name, p => TestPods.App(p)?.State?.Running is not null, StartTimeout, "Running");
        return name;
    }

    /// <summary>The sample app, Ready once httpd answers (kubectl port-forward ends at the first connection the pod refuses).</summary>
    private async Task<string> RunReadyAppAsync(string prefix)
    {
        var name = TestPods.NewName(prefix);
        var pod = AppPod(name);
        pod = TestPods.WithContainer(pod, c => c with { ReadinessProbe = new Probe { HttpGet = new HttpGetAction { Path = "/health", Port = 3000 }, PeriodSeconds = 1 } });
        await TestPods.CreateAsync(node.Admin, pod);
        await TestPods.WaitForAsync(node.Admin, name, TestPods.IsReady, StartTimeout, "Ready");
        return name;
    }

    [Fact]
    public async Task Exec_Plain_PrintsBothStreamsAndPassesTheExitCode()
    {
        var name = await RunPodAsync("exec");
        try
        {
            var ok = await Kubectl.RunAsync("exec", name, "--", "sh", "-c", "echo hello from $(hostname)");
            Assert.True(ok.ExitCode == 0, ok.ToString());
            Assert.Equal($"hello from {name}\n", ok.Stdout);

            var failed = await Kubectl.RunAsync("exec", name, "-c", "app", "--", "sh", "-c", "echo out; echo err >&2; exit 3");
            Assert.True(failed.ExitCode == 3, failed.ToString());
            Assert.Equal("out\n", failed.Stdout);
            Assert.Contains("err\n", failed.Stderr, StringComparison.Ordinal);
            Assert.Contains("command terminated with exit code 3", failed.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            await TestPods.DeleteQuietlyAsync(node.Admin, name);
        }
    }

    [Fact]
    public async Task Exec_BadRequests_AnsweredWithKubectlsErrors()
    {
        var name = await RunPodAsync("badexec");
        try
        {
            var container = await Kubectl.RunAsync("exec", name, "-c", "nosuch", "--", "true");
            Assert.True(container.ExitCode == 1, container.ToString());
            Assert.Contains("container nosuch is not valid for pod " + name, container.Stderr, StringComparison.Ordinal);

            var pod = await Kubectl.RunAsync("exec", "no-such-pod", "--", "true");
            Assert.True(pod.ExitCode == 1, pod.ToString());
            Assert.Contains("pods \"no-such-pod\" not found", pod.Stderr, StringComparison.Ordinal);

            var command = await Kubectl.RunAsync("exec", name, "--", "/no/such/binary");
            Assert.NotEqual(0, command.ExitCode);
            Assert.Contains("no/such/binary", command.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            await TestPods.DeleteQuietlyAsync(node.Admin, name);
        }
    }

    [Fact]
    public async Task Exec_InteractiveTty_RunsUnderATerminalAndPassesTheExitCode()
    {
        var name = await RunPodAsync("tty");
        try
        {
            // script(1) gives kubectl a pseudo-terminal, as a user's shell would; -e returns the child's exit code.
            var kubectl = $"{Kubectl.Path} --kubeconfig {node.Droverd.ClientConfigPath} exec -it {name} -- sh -c 'tty; stty size; exit 4'";
            var info = ProcessRunner.Command("script", ["-qec", kubectl, "/dev/null"]);
            info.Environment["HOME"] = Path.GetDirectoryName(node.Droverd.ClientConfigPath)!;
            info.RedirectStandardInput = true;
            var result = await ProcessRunner.RunAsync(info, TimeSpan.FromSeconds(60));

            Assert.True(result.ExitCode == 4, result.ToString());
            Assert.Matches(@"/dev/pts/\d+", result.Stdout);
        }
        finally
        {
            await TestPods.DeleteQuietlyAsync(node.Admin, name);
        }
    }

    [Fact]
    public async Task PortForward_LocalPort_ReachesTheAppInThePod()
    {
        var name = await RunReadyAppAsync("pf");
        var local = FreePort();
        try
        {
            // As a user would: port-forward in the background, wait for it to listen, curl through it twice.
            var script = $$"""
                {{Kubectl.Path}} --kubeconfig {{node.Droverd.ClientConfigPath}} port-forward pod/{{name}} {{local}}:3000 &
                pf=$!
                for i in $(seq 1 100); do curl -s -o /dev/null http://127.0.0.1:{{local}}/health && break; sleep 0.2; done
                curl -sS -w ' status=%{http_code}\n' http://127.0.0.1:{{local}}/health
                curl -sS -w ' status=%{http_code}\n' http://127.0.0.1:{{local}}/health
                kill $pf
                """;
            var info = ProcessRunner.Command("sh", ["-c", script]);
            info.Environment["HOME"] = Path.GetDirectoryName(node.Droverd.ClientConfigPath)!;
            var result = await ProcessRunner.RunAsync(info, TimeSpan.FromSeconds(60));

            Assert.True(Regex.Matches(result.Stdout, " status=200").Count == 2, result.ToString());
            Assert.Contains($"Forwarding from 127.0.0.1:{local} -> 3000", result.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            await TestPods.DeleteQuietlyAsync(node.Admin, name);
        }
    }

    [Fact]
    public async Task Cp_ToAndFromThePod_CopiesTheFile()
    {
        var name = await RunPodAsync("cp");
        var dir = Directory.CreateTempSubdirectory("drover-cp-");
        try
        {
            var original = Path.Combine(dir.FullName, "payload.txt");
            var content = string.Join('\n', Enumerable.Range(0, 2000).Select(i => $"line {i}")) + "\n";
            await File.WriteAllTextAsync(original, content);

            var to = await Kubectl.RunAsync("cp", original, $"default/{name}:/tmp/payload.txt");
            Assert.True(to.ExitCode == 0, to.ToString());
            Assert.Equal(content, (await Kubectl.RunAsync("exec", name, "--", "cat", "/tmp/payload.txt")).Stdout);

            var back = Path.Combine(dir.FullName, "back.txt");
            var from = await Kubectl.RunAsync("cp", $"default/{name}:/tmp/payload.txt", back);
            Assert.True(from.ExitCode == 0, from.ToString());
            Assert.Equal(content, await File.ReadAllTextAsync(back));
        }
        finally
        {
            dir.Delete(recursive: true);
            await TestPods.DeleteQuietlyAsync(node.Admin, name);
        }
    }

    [Fact]
    public async Task Attach_RunningContainer_StreamsItsOutput()
    {
        var name = await RunPodAsync("attach", "sh", "-c", "i=0; while true; do i=$((i+1)); echo tick-$i; sleep 0.5; done");
        using var attach = Process.Start(KubectlStart("attach", name))!;
        try
        {
            var ticked = await ReadUntilAsync(attach.StandardOutput, "tick-", TimeSpan.FromSeconds(30));
            Assert.True(ticked, "kubectl attach printed no output of the container: " + await DrainAsync(attach));
        }
        finally
        {
            attach.Kill(entireProcessTree: true);
            await TestPods.DeleteQuietlyAsync(node.Admin, name);
        }
    }

    [Fact]
    public async Task AttachStdin_ContainerWithStdinOnce_ReadsTheInputUntilKubectlClosesIt()
    {
        var name = TestPods.NewName("attachin");
        var pod = TestPods.WithContainer(AppPod(name, "sh", "-c", "while read line; do echo got-$line; done; echo stdin-closed"),
            c => c with { Stdin = true, StdinOnce = true });
        await TestPods.CreateAsync(node.Admin, pod);
        await TestPods.WaitForAsync(node.Admin, name, p => TestPods.App(p)?.State?.Running is not null, StartTimeout, "Running");
        var info = KubectlStart("attach", "-i", name);
        info.RedirectStandardInput = true;
        using var attach = Process.Start(info)!;
        try
        {
            await attach.StandardInput.WriteAsync("hello\nworld\n");
            attach.StandardInput.Close();
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var stdout = attach.StandardOutput.ReadToEndAsync(bound.Token);
            await attach.WaitForExitAsync(bound.Token);

            // SPDY ends the stdin stream at kubectl's end of input; containerd closes the container's stdin (stdinOnce).
            Assert.Equal("got-hello\ngot-world\nstdin-closed\n", await stdout);
            Assert.Equal(0, attach.ExitCode);
        }
        finally
        {
            if (!attach.HasExited)
                attach.Kill(entireProcessTree: true);
            await TestPods.DeleteQuietlyAsync(node.Admin, name);
        }
    }

    private ProcessStartInfo KubectlStart(params string[] args)
    {
        var info = ProcessRunner.Command(Kubectl.Path, ["--kubeconfig", node.Droverd.ClientConfigPath, .. args]);
        info.Environment["HOME"] = Path.GetDirectoryName(node.Droverd.ClientConfigPath)!;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        return info;
    }

    private static async Task<bool> ReadUntilAsync(StreamReader output, string expected, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            while (await output.ReadLineAsync(cancel.Token) is { } line)
            {
                if (line.Contains(expected, StringComparison.Ordinal))
                    return true;
            }
        }
        catch (OperationCanceledException)
        {
        }
        return false;
    }

    private static async Task<string> DrainAsync(Process process)
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        return await process.StandardError.ReadToEndAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
