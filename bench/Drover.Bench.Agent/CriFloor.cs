using System.Diagnostics;
using Drover.Agent.Cri;
using Drover.Agent.Cri.V1;

namespace Drover.Bench.Agent;

/// <summary>One raw CRI pod: the time of each step, in milliseconds from the start of RunPodSandbox.</summary>
internal sealed record FloorSample(string Name, DateTime StartUtc, string Ip, double SandboxMs, double CreatedMs, double StartedMs, double HttpOkMs);

/// <summary>
/// The floor bind→Ready is compared with: what containerd, runc and CNI need for the same pod with no agent and no
/// control plane — RunPodSandbox (with CNI) + CreateContainer + StartContainer of my-app:v1.0, then the first HTTP 200
/// from the pod IP — on the same containerd, with the same CNI conflist (the agent's), in the same run. The pods carry
/// no drover.io/managed-by label, so the agent running beside them leaves them alone; their cgroups go under
/// /droverINDEX, which run-private.sh stop sweeps.
/// </summary>
internal sealed class CriFloor(CriClient cri, PodHttp http, string logRoot, int nodeIndex)
{
    public async Task<FloorSample> RunOneAsync(string name, CancellationToken ct)
    {
        var uid = Guid.NewGuid().ToString();
        var sandboxConfig = new PodSandboxConfig
        {
            Metadata = new PodSandboxMetadata { Name = name, Namespace = "bench-floor", Uid = uid },
            Hostname = name,
            LogDirectory = Path.Combine(logRoot, $"bench-floor_{name}_{uid}"),
            DnsConfig = new DNSConfig(),
            Labels = { ["io.kubernetes.pod.uid"] = uid },
            Linux = new LinuxPodSandboxConfig { CgroupParent = $"/drover{nodeIndex}/pod{uid}" },
        };
        Directory.CreateDirectory(sandboxConfig.LogDirectory);
        string? sandboxId = null, containerId = null;
        try
        {
            var startUtc = DateTime.UtcNow;
            var start = Stopwatch.GetTimestamp();
            sandboxId = await cri.RunPodSandboxAsync(sandboxConfig, cancellationToken: ct).ConfigureAwait(false);
            var ip = (await cri.PodSandboxStatusAsync(sandboxId, cancellationToken: ct).ConfigureAwait(false)).Status.Network.Ip;
            var sandboxed = Stopwatch.GetTimestamp();
            containerId = await cri.CreateContainerAsync(sandboxId, new ContainerConfig
            {
                Metadata = new ContainerMetadata { Name = "app" },
                Image = new ImageSpec { Image = "my-app:v1.0" },
                LogPath = "app/0.log",
            }, sandboxConfig, ct).ConfigureAwait(false);
            var created = Stopwatch.GetTimestamp();
            await cri.StartContainerAsync(containerId, ct).ConfigureAwait(false);
            var started = Stopwatch.GetTimestamp();
            var ok = await http.FirstOkAsync(ip, 3000, TimeSpan.FromSeconds(15), ct).ConfigureAwait(false);
            return new FloorSample(name, startUtc, ip, Ms(start, sandboxed), Ms(start, created), Ms(start, started), Ms(start, ok));
        }
        finally
        {
            // Not timed. SIGKILL at once (timeout 0): busybox httpd as PID 1 would sit out a graceful stop's whole timeout.
            using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            if (containerId is not null)
            {
                await cri.StopContainerAsync(containerId, TimeSpan.Zero, cleanup.Token).ConfigureAwait(false);
                await cri.RemoveContainerAsync(containerId, cleanup.Token).ConfigureAwait(false);
            }
            if (sandboxId is not null)
            {
                await cri.StopPodSandboxAsync(sandboxId, cleanup.Token).ConfigureAwait(false);
                await cri.RemovePodSandboxAsync(sandboxId, cleanup.Token).ConfigureAwait(false);
            }
            Directory.Delete(sandboxConfig.LogDirectory, recursive: true);
        }
    }

    private static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;
}
