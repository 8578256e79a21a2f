namespace Drover.ControlPlane.Controllers.Autoscaling;

/// <summary>
/// What one HPA remembers between syncs, in memory as in kube-controller-manager (a restart forgets it): its recent
/// unstabilised recommendations, and the scale-ups and scale-downs it made, which the behavior policies count per period.
/// </summary>
public sealed class ScalingHistory
{
    internal List<(int Replicas, DateTimeOffset At)> Recommendations { get; } = [];
    internal List<ScaleEvent> ScaleUps { get; } = [];
    internal List<ScaleEvent> ScaleDowns { get; } = [];

    internal sealed class ScaleEvent(int change, DateTimeOffset at)
    {
        public int Change { get; set; } = change;
        public DateTimeOffset At { get; set; } = at;
        public bool Outdated { get; set; }
    }

    /// <summary>
    /// Records a rescale for the behavior policies (Kubernetes' storeScaleEvent): slots older than the longest policy
    /// period are reused so the lists stay as short as the policies need.
    /// </summary>
    internal void RecordScale(int from, int to, int longestPeriodSeconds, DateTimeOffset now)
    {
        if (to == from)
            return;
        var events = to > from ? ScaleUps : ScaleDowns;
        var cutoff = now.AddSeconds(-longestPeriodSeconds);
        foreach (var e in events)
        {
            if (e.At <= cutoff)
                e.Outdated = true;
        }
        var change = Math.Abs(to - from);
        var reusable = events.Find(e => e.Outdated);
        if (reusable is null)
        {
            events.Add(new ScaleEvent(change, now));
            return;
        }
        reusable.Change = change;
        reusable.At = now;
        reusable.Outdated = false;
    }

    /// <summary>Replicas added (or removed) within the last <paramref name="periodSeconds"/>.</summary>
    internal static int ChangeWithin(List<ScaleEvent> events, int periodSeconds, DateTimeOffset now)
    {
        var cutoff = now.AddSeconds(-periodSeconds);
        var sum = 0;
        foreach (var e in events)
        {
            if (e.At > cutoff)
                sum += e.Change;
        }
        return sum;
    }

    /// <summary>Stores a recommendation, reusing a slot that has fallen out of every window.</summary>
    internal void Recommend(int replicas, DateTimeOffset now, Func<DateTimeOffset, bool> expired)
    {
        var index = Recommendations.FindIndex(r => expired(r.At));
        if (index >= 0)
            Recommendations[index] = (replicas, now);
        else
            Recommendations.Add((replicas, now));
    }
}
