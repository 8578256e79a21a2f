using System.Diagnostics;
using Drover.Api;
using Drover.Api.Client;

namespace Drover.Bench.Agent;

/// <summary>One pod through the whole system, in milliseconds from just before its create was sent.</summary>
/// <param name="IpSeenMs">droverd's watch first carried the pod IP (the agent reported it).</param>
/// <param name="HttpOkMs">the first HTTP 200 from the pod IP, polled from the moment the IP was known.</param>
/// <param name="ReadyMs">droverd's watch first carried Ready=True (the agent's readiness probe passed and it reported).</param>
internal sealed record BindSample(string Name, DateTime StartUtc, string Uid, string Ip, double CreateAckMs, double IpSeenMs, double HttpOkMs, double ReadyMs);

/// <summary>
/// Bind→Ready: a Pod created with spec.nodeName already set to the agent's node (no scheduler in the path), running
/// my-app:v1.0 with a readiness probe httpGet /health:3000, initialDelaySeconds 0, periodSeconds 1. The pod stays
/// running afterwards (the memory and CPU figures "with 20 pods" are taken with these pods).
/// </summary>
internal sealed class BindToReady(DroverClient api, PodWatch watch, PodHttp http, string nodeName)
{
    public const string Namespace = "default";
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    public async Task<BindSample> RunOneAsync(string name, Action<string> created, CancellationToken ct)
    {
        var expected = watch.Expect(name);
        var pod = new Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new ObjectMeta { Name = name, Namespace = Namespace, Labels = new() { ["app"] = "bench-agent" } },
            Spec = new PodSpec
            {
                NodeName = nodeName,
                // Only the clean-up at the end waits for it; the app does not need a graceful stop.
                TerminationGracePeriodSeconds = 1,
                Containers =
                [
                    new Container
                    {
                        Name = "app",
                        Image = "my-app:v1.0",
                        ReadinessProbe = new Probe
                        {
                            HttpGet = new HttpGetAction { Path = "/health", Port = 3000 },
                            InitialDelaySeconds = 0,
                            PeriodSeconds = 1,
                        },
                    },
                ],
            },
        };
        var startUtc = DateTime.UtcNow;
        var start = Stopwatch.GetTimestamp();
        var stored = await api.CreateAsync(ResourceTypes.Pods, pod, ct).ConfigureAwait(false);
        var acked = Stopwatch.GetTimestamp();
        var uid = stored.Metadata.Uid ?? "";
        created(uid);
        var (ipAt, ip) = await expected.Ip.Task.WaitAsync(StepTimeout, ct).ConfigureAwait(false);
        var ok = await http.FirstOkAsync(ip, 3000, StepTimeout, ct).ConfigureAwait(false);
        var ready = await expected.Ready.Task.WaitAsync(StepTimeout, ct).ConfigureAwait(false);
        return new BindSample(name, startUtc, uid, ip, Ms(start, acked), Ms(start, ipAt), Ms(start, ok), Ms(start, ready));
    }

    /// <summary>Deletes every pod of the node and waits until the agent has torn them down and droverd forgot them.</summary>
    public async Task DeleteAllAsync(TimeSpan timeout, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var deleted = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var list = await api.ListAsync(ResourceTypes.Pods, Namespace, fieldSelector: $"spec.nodeName={nodeName}", ct: ct).ConfigureAwait(false);
            if (list.Items.Count == 0)
                return;
            foreach (var item in list.Items)
            {
                if (deleted.Add(item.Metadata.Name ?? ""))
                    await api.DeleteAsync(ResourceTypes.Pods, Namespace, item.Metadata.Name!, gracePeriodSeconds: 1, ct: ct).ConfigureAwait(false);
            }
            if (Stopwatch.GetTimestamp() > deadline)
                throw new TimeoutException($"{list.Items.Count} pods still exist {timeout.TotalSeconds:0} s after their deletion");
            await Task.Delay(250, ct).ConfigureAwait(false);
        }
    }

    private static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;
}
