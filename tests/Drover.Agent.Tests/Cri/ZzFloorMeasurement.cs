using System.Diagnostics;
namespace Drover.Agent.Tests.Cri;
[Collection(PrivateContainerdCollection.Name)]
public sealed class ZzFloorMeasurement(PrivateContainerdFixture node)
{
    [Fact]
    public async Task Measure()
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(2) };
        var samples = new List<double>();
        var lines = new List<string>();
        for (var i = 0; i < 11; i++)
        {
            var sw = Stopwatch.StartNew();
            await using var pod = await TestPod.RunSandboxAsync(node, TestPod.NewName("floor"));
            var ts = sw.Elapsed.TotalMilliseconds;
            var cid = await node.Client.CreateContainerAsync(pod.SandboxId, TestPod.NewAppConfig("my-app:v1.0", TestPod.Limits500m256Mi()), pod.SandboxConfig);
            var tc = sw.Elapsed.TotalMilliseconds;
            await node.Client.StartContainerAsync(cid);
            var t1 = sw.Elapsed.TotalMilliseconds;
            typeof(TestPod).GetProperty("ContainerId")!.SetValue(pod, cid);
            await pod.WaitForHttpAsync(http, "/health", TimeSpan.FromSeconds(5));
            var t = sw.Elapsed.TotalMilliseconds;
            lines.Add($"pod {i}: sandbox {ts:F0} create {tc-ts:F0} start {t1-tc:F0}, cri {t1:F0} ms, first 200 {t:F0} ms");
            if (i > 0) samples.Add(t); // first pod warms the channel/snapshotter
        }
        samples.Sort();
        lines.Add($"p50 {(samples[4] + samples[5]) / 2:F0} ms, min {samples[0]:F0}, max {samples[^1]:F0} (n={samples.Count})");
        File.WriteAllLines("/tmp/cri-floor.txt", lines);
    }
}
