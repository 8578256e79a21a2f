using System.Globalization;

namespace Drover.Bench.Chaos;

/// <summary>One fault: when it started, when it was over (the daemon started again, the link up) and when the cluster was whole again (null: never, within the bound).</summary>
internal sealed record FaultRecord(FaultKind Kind, string Target, TimeSpan Started, TimeSpan Over, TimeSpan? Converged)
{
    /// <summary>From the fault being over to the cluster being whole again.</summary>
    public TimeSpan? ConvergeTime => Converged - Over;

    /// <summary>
    /// Requests in flight at any time in here are counted against this fault: one that started just before the kill
    /// and died with the killed daemon is that fault's, not an error outside any fault.
    /// </summary>
    public bool Covers(TimeSpan started, TimeSpan ended, TimeSpan end) => ended >= Started && started <= (Converged ?? end);

    public string Describe()
    {
        var outcome = ConvergeTime is { } t ? string.Create(CultureInfo.InvariantCulture, $"converged {t.TotalSeconds:0.0} s later") : "NOT CONVERGED";
        return string.Create(CultureInfo.InvariantCulture, $"+{Started.TotalSeconds,6:0.0} s  {FaultKinds.Name(Kind)} ({Target}): over after {(Over - Started).TotalSeconds:0.0} s, {outcome}");
    }
}
