using System.Diagnostics;
using System.Globalization;
using Drover.Agent.Cri.V1;
using Drover.Api;
using Xunit.Abstractions;

namespace Drover.Agent.Tests.Pods;

/// <summary>
/// Measures (does not assert) bind → Ready through the agent next to the raw CRI floor (sandbox + create +
/// start + first HTTP 200, no agent), both for 10 sequential pods in the same run. Read the numbers with
/// <c>dotnet test --logger "console;verbosity=detailed"</c>.
/// </summary>
[Collection(AgentNodeCollection.Name)]
public sealed class BindToReadyLatencyTests : IDisposable
{
    private const int Pods = 10;

    private readonly AgentNodeFixture _node;
    private readonly ITestOutputHelper _output;
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(1) };

    public BindToReadyLatencyTests(AgentNodeFixture node, ITestOutputHelper output)
    {
        _node = node;
        _output = output;
    }

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task BindToReady_TenPods_MeasuredNextToRawCriFloor()
    {
        var floor = new List<double>();
        for (var i = 0; i < Pods; i++)
        {
            floor.Add(await RawCriPodAsync());
        }

        var noProbe = new List<double>();
        var withProbe = new List<double>();
        var firstHttp = new List<double>();
        for (var i = 0; i < Pods; i++)
        {
            var (ready, http) = await AgentPodAsync(readinessProbe: false);
            noProbe.Add(ready);
            firstHttp.Add(http);
            (ready, _) = await AgentPodAsync(readinessProbe: true);
            withProbe.Add(ready);
        }

        var report = string.Join('\n',
            Line("raw CRI floor (sandbox+create+start+first HTTP 200)", floor),
            Line("agent bind→Ready, no readiness probe", noProbe),
            Line("agent bind→first HTTP 200 seen by the test", firstHttp),
            Line("agent bind→Ready, readiness httpGet (delay 0, period 1 s)", withProbe));
        _output.WriteLine(report);
        Assert.Equal(Pods, noProbe.Count);
    }

    private static string Line(string what, List<double> ms)
    {
        var sorted = ms.Order().ToList();
        double P(double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
        return string.Create(CultureInfo.InvariantCulture, $"{what}: p50 {P(0.5):0} ms, p99 {P(0.99):0} ms, min {sorted[0]:0} ms, max {sorted[^1]:0} ms");
    }

    private async Task<double> RawCriPodAsync()
    {
        var name = TestPods.NewName("floor");
        var uid = Guid.NewGuid().ToString();
        var sandboxConfig = new PodSandboxConfig
        {
            Metadata = new PodSandboxMetadata { Name = name, Namespace = "default", Uid = uid },
            Hostname = name,
            LogDirectory = Path.Combine(_node.LogRoot, "floor_" + uid),
            DnsConfig = new DNSConfig(),
            Labels = { ["io.kubernetes.pod.uid"] = uid },
            Linux = new LinuxPodSandboxConfig { CgroupParent = $"{AgentNodeFixture.CgroupRoot}/pod{uid}" },
        };
        Directory.CreateDirectory(sandboxConfig.LogDirectory);
        var clock = Stopwatch.StartNew();
        var sandboxId = await _node.Cri.RunPodSandboxAsync(sandboxConfig);
        var ip = (await _node.Cri.PodSandboxStatusAsync(sandboxId)).Status.Network.Ip;
        var containerId = await _node.Cri.CreateContainerAsync(sandboxId, new ContainerConfig
        {
            Metadata = new ContainerMetadata { Name = "app" },
            Image = new ImageSpec { Image = "my-app:v1.0" },
            LogPath = "app/0.log",
        }, sandboxConfig);
        await _node.Cri.StartContainerAsync(containerId);
        await WaitHttpAsync(ip);
        clock.Stop();
        await _node.Cri.StopContainerAsync(containerId, TimeSpan.FromSeconds(5));
        await _node.Cri.RemoveContainerAsync(containerId);
        await _node.Cri.StopPodSandboxAsync(sandboxId);
        await _node.Cri.RemovePodSandboxAsync(sandboxId);
        Directory.Delete(sandboxConfig.LogDirectory, recursive: true);
        return clock.Elapsed.TotalMilliseconds;
    }

    private async Task<(double Ready, double Http)> AgentPodAsync(bool readinessProbe)
    {
        var name = TestPods.NewName(readinessProbe ? "lat-probe" : "lat");
        var pod = TestPods.WithContainer(TestPods.SeedTemplate(name), c => c with
        {
            ReadinessProbe = readinessProbe ? c.ReadinessProbe! with { InitialDelaySeconds = 0, PeriodSeconds = 1 } : null,
        });
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var list = await _node.Api.ListAsync(ResourceTypes.Pods, "default", ct: stop.Token);
        var clock = Stopwatch.StartNew();
        double http = -1;
        var readyAt = Task.Run(async () =>
        {
            await foreach (var ev in _node.Api.WatchAsync(ResourceTypes.Pods, "default", list.ResourceVersion, fieldSelector: $"spec.nodeName={AgentNodeFixture.NodeName}", ct: stop.Token))
            {
                if (ev.Object is Pod p && p.Metadata.Name == name && TestPods.IsReady(p))
                {
                    return clock.Elapsed.TotalMilliseconds;
                }
            }

            throw new TimeoutException("watch ended");
        });
        await TestPods.CreateAsync(_node.Api, pod);
        if (!readinessProbe)
        {
            var ip = (await TestPods.WaitForAsync(_node.Api, name, p => p.Status?.PodIP is not null, TimeSpan.FromSeconds(30), "pod IP")).Status!.PodIP!;
            await WaitHttpAsync(ip);
            http = clock.Elapsed.TotalMilliseconds;
        }

        var ready = await readyAt;
        await stop.CancelAsync();
        await TestPods.DeleteQuietlyAsync(_node.Api, name);
        return (ready, http);
    }

    private async Task WaitHttpAsync(string ip)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var response = await _http.GetAsync(new Uri($"http://{ip}:3000/health"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when ((e is HttpRequestException or TaskCanceledException) && DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"{ip}:3000 did not answer");
            }

            await Task.Delay(5);
        }
    }
}
