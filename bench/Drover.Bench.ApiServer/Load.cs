using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Drover.Api.Client;

namespace Drover.Bench.ApiServer;

internal sealed record ClosedLoopResult(int Created, int Errors, string? FirstError, double Seconds, long[] Samples)
{
    public double Rate => Created / Seconds;
}

/// <summary>Per request: when it was due, when it was handed to the client, when it was acknowledged (0 = failed).</summary>
internal sealed record OpenLoopResult(long Start, long[] Scheduled, long[] Sent, long[] Acked, int Errors, string? FirstError)
{
    public int Created => Acked.Count(a => a != 0);

    /// <summary>Successful creates per second, from the first due time to the last acknowledgement.</summary>
    public double AchievedRate => Created / Latency.Ms(Acked.Max() - Start) * 1000.0;

    public IEnumerable<long> FromScheduled() => Enumerable.Range(0, Acked.Length).Where(i => Acked[i] != 0).Select(i => Acked[i] - Scheduled[i]);
    public IEnumerable<long> ServiceTime() => Enumerable.Range(0, Acked.Length).Where(i => Acked[i] != 0).Select(i => Acked[i] - Sent[i]);
    public IEnumerable<long> DispatchLag() => Enumerable.Range(0, Acked.Length).Select(i => Sent[i] - Scheduled[i]);
}

internal static partial class Load
{
    public static string PodsPath(string ns) => $"/api/v1/namespaces/{ns}/pods";

    public static byte[] PodBody(string name) =>
        Encoding.UTF8.GetBytes($$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}""");

    public static Task CreateNamespaceAsync(DroverClient client, string name) =>
        client.SendRawAsync(HttpMethod.Post, "/api/v1/namespaces", Encoding.UTF8.GetBytes($$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{name}}}"}}"""), "application/json");

    /// <summary>
    /// Closed loop: <paramref name="concurrency"/> workers, each sending its next create as soon as the previous one is
    /// acknowledged, until <paramref name="duration"/> has passed or <paramref name="maxCount"/> creates were sent.
    /// </summary>
    public static async Task<ClosedLoopResult> ClosedLoopAsync(DroverClient client, string ns, string prefix, int concurrency, TimeSpan duration, int maxCount)
    {
        var path = PodsPath(ns);
        var next = -1;
        var errors = 0;
        string? firstError = null;
        var samples = new List<long>[concurrency];
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        async Task Worker(int w)
        {
            var mine = samples[w] = new List<long>(8192);
            await Task.Yield();
            while (Stopwatch.GetTimestamp() < end)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= maxCount)
                    break;
                var body = PodBody(prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                var t0 = Stopwatch.GetTimestamp();
                try
                {
                    await client.SendRawAsync(HttpMethod.Post, path, body, "application/json").ConfigureAwait(false);
                    mine.Add(Stopwatch.GetTimestamp() - t0);
                }
                catch (Exception e) when (e is ApiClientException or OperationCanceledException or HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, e.Message, null);
                }
            }
        }
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(Worker)).ConfigureAwait(false);
        var seconds = Latency.Ms(Stopwatch.GetTimestamp() - start) / 1000.0;
        var all = samples.SelectMany(s => s).ToArray();
        return new ClosedLoopResult(all.Length, errors, firstError, seconds, all);
    }

    /// <summary>
    /// Open loop: create i is due at start + i/rate whatever happened to earlier ones (no cap on requests in flight), so a
    /// stall shows up as latency of every request that was due during it (measured from the due time: no coordinated
    /// omission). A dedicated thread dispatches with ~0.1 ms sleeps; its lag is reported separately.
    /// </summary>
    public static async Task<OpenLoopResult> OpenLoopAsync(DroverClient client, string ns, string prefix, double rate, int count, Action<int, long>? onAck = null)
    {
        var path = PodsPath(ns);
        var scheduled = new long[count];
        var sent = new long[count];
        var acked = new long[count];
        var tasks = new Task[count];
        var errors = 0;
        string? firstError = null;
        var bodies = Enumerable.Range(0, count).Select(i => PodBody(prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        var interval = Stopwatch.Frequency / rate;
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 20;

        async Task One(int i)
        {
            try
            {
                await client.SendRawAsync(HttpMethod.Post, path, bodies[i], "application/json").ConfigureAwait(false);
                var now = Stopwatch.GetTimestamp();
                acked[i] = now;
                onAck?.Invoke(i, now);
            }
            catch (Exception e) when (e is ApiClientException or OperationCanceledException or HttpRequestException)
            {
                Interlocked.Increment(ref errors);
                Interlocked.CompareExchange(ref firstError, e.Message, null);
            }
        }

        var dispatched = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dispatcher = new Thread(() =>
        {
            for (var i = 0; i < count; i++)
            {
                var due = start + (long)(i * interval);
                long now;
                while ((now = Stopwatch.GetTimestamp()) < due)
                {
                    var waitUs = (due - now) * 1_000_000 / Stopwatch.Frequency;
                    if (waitUs > 0)
                        _ = usleep((uint)Math.Min(waitUs, 1000));
                }
                scheduled[i] = due;
                sent[i] = now;
                tasks[i] = One(i);
            }
            dispatched.SetResult();
        })
        { IsBackground = true, Name = "open-loop dispatcher", Priority = ThreadPriority.AboveNormal };
        dispatcher.Start();
        await dispatched.Task.ConfigureAwait(false);
        await Task.WhenAll(tasks).ConfigureAwait(false);
        return new OpenLoopResult(start, scheduled, sent, acked, errors, firstError);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int usleep(uint microseconds);
}
