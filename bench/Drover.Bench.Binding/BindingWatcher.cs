using System.Diagnostics;
using System.Globalization;
using System.Text;
using Drover.Api.Client;

namespace Drover.Bench.Binding;

/// <summary>
/// Follows droverd's count of stored bindings (drover_scheduler_schedule_attempts_total{result="scheduled"})
/// by polling /metrics every 20 ms: a pod watch would cost droverd an encode and a send per binding, which at
/// thousands per second is a good part of what is being measured.
/// </summary>
internal sealed class BindingWatcher(DroverClient api, int expected)
{
    private const string Series = "drover_scheduler_schedule_attempts_total{result=\"scheduled\"} ";
    private readonly TaskCompletionSource _allBound = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _baseline = -1;
    private int _count;

    public Task AllBound => _allBound.Task;

    public int Bound => Volatile.Read(ref _count);

    /// <summary>Stopwatch timestamp of the poll that first saw every binding.</summary>
    public long LastBind { get; private set; }

    public async Task RunAsync(CancellationToken ct)
    {
        _baseline = await ScheduledAsync(ct).ConfigureAwait(false);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var bound = (int)(await ScheduledAsync(ct).ConfigureAwait(false) - _baseline);
                Volatile.Write(ref _count, bound);
                if (bound >= expected)
                {
                    LastBind = Stopwatch.GetTimestamp();
                    _allBound.TrySetResult();
                    return;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(20), ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task<long> ScheduledAsync(CancellationToken ct)
    {
        var text = Encoding.UTF8.GetString(await api.GetRawAsync("/metrics", ct).ConfigureAwait(false));
        var at = text.IndexOf(Series, StringComparison.Ordinal);
        if (at < 0)
            return 0;
        var end = text.IndexOf('\n', at);
        return (long)double.Parse(text.AsSpan(at + Series.Length, end - at - Series.Length), CultureInfo.InvariantCulture);
    }
}
