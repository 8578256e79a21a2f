using System.Globalization;
using System.Text;

namespace Drover.Bench.Chaos;

/// <summary>The soak's figures as markdown: lost writes, time to converge and ingress errors per fault kind, RSS first vs last minute.</summary>
internal sealed class SoakReport(
    int seed,
    double minutes,
    IReadOnlyList<int> nodes,
    IReadOnlyList<FaultRecord> faults,
    IReadOnlyList<(TimeSpan At, TimeSpan Ended, bool Ok, string? Error)> requests,
    WriteLedger ledger,
    Rollouts rollouts,
    IReadOnlyList<(TimeSpan At, string Name, long Rss)> rss,
    TimeSpan rssStart,
    TimeSpan rssEnd,
    IReadOnlyList<string> unexpectedExits,
    bool convergedAtEnd)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    public bool Passed => ledger.Lost.Count == 0 && faults.All(f => f.Converged is not null) && convergedAtEnd && unexpectedExits.Count == 0;

    public string Markdown()
    {
        var md = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        var applied = rollouts.Started.Count(r => r.Applied);
        md.AppendLine(c, $"### Chaos soak summary: {minutes:0.#} min, seed {seed}, nodes {string.Join(", ", nodes)}");
        md.AppendLine();
        md.AppendLine(c, $"Faults: {faults.Count} ({string.Join(", ", faults.GroupBy(f => f.Kind).OrderBy(g => g.Key).Select(g => $"{FaultKinds.Name(g.Key)} {g.Count()}"))}). "
            + $"Rolling updates: {rollouts.Started.Count} started, {applied} applied. Cluster whole at the end: {(convergedAtEnd ? "yes" : "NO")}.");
        md.AppendLine();
        md.AppendLine(c, $"**Acknowledged API writes lost: {ledger.Lost.Count}** of {ledger.Acknowledged} acknowledged "
            + $"({ledger.AckedCreates} creates, {ledger.AckedUpdates} updates, {ledger.AckedDeletes} deletes; {ledger.Unanswered} unanswered, each found in one of its two possible states or listed below; "
            + $"{ledger.Refused} refused; checked {ledger.Verifications} times: after every droverd restart and at the end).");
        foreach (var lost in ledger.Lost)
            md.AppendLine(c, $"- lost: {lost}");
        md.AppendLine();

        md.AppendLine("| Fault | Count | Converge p50 s | Converge max s | Not converged | Ingress requests | Errors | Error rate | Errors seen |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---|");
        var windows = requests.Select(r => (Request: r, Fault: faults.FirstOrDefault(f => f.Covers(r.At, r.Ended, rssEnd)))).ToList();
        foreach (var group in faults.GroupBy(f => f.Kind).OrderBy(g => g.Key))
        {
            var times = group.Where(f => f.ConvergeTime is not null).Select(f => f.ConvergeTime!.Value.TotalSeconds).Order().ToList();
            var inWindows = windows.Where(w => w.Fault?.Kind == group.Key).Select(w => w.Request).ToList();
            md.AppendLine(c, $"| {FaultKinds.Name(group.Key)} | {group.Count()} | {Seconds(Percentile(times, 0.5))} | {Seconds(times.Count > 0 ? times[^1] : null)} | {group.Count(f => f.Converged is null)} | {Requests(inWindows)} |");
        }
        var steady = windows.Where(w => w.Fault is null).Select(w => w.Request).ToList();
        md.AppendLine(c, $"| none (rolling updates only) | | | | | {Requests(steady)} |");
        md.AppendLine();
        foreach (var error in steady.Where(r => !r.Ok).Take(20))
            md.AppendLine(c, $"- error outside any fault: +{error.At.TotalSeconds:0.000} s {error.Error}");
        if (steady.Any(r => !r.Ok))
            md.AppendLine();
        md.AppendLine("Converge: from the fault being over (the daemon started again after RestartSec=2s, the pod network back) to the cluster being whole " +
            "(every daemon up, nodes Ready, 3 updated ready replicas and no other pod, Endpoints = those 3, a 200 through the ingress). " +
            "A request counts against a fault when it was in flight at any time between the fault's start and the cluster being whole again.");
        md.AppendLine();

        md.AppendLine("| Daemon | RSS first minute MiB (mean) | RSS last minute MiB (mean) | Growth |");
        md.AppendLine("|---|---:|---:|---:|");
        foreach (var daemon in rss.Select(s => s.Name).Distinct())
        {
            var first = Mean(daemon, rssStart, rssStart + Minute);
            var last = Mean(daemon, rssEnd - Minute, rssEnd);
            var growth = first is > 0 && last is { } l ? $"{(l - first.Value) / first.Value * 100:+0.0;-0.0} %" : "";
            md.AppendLine(c, $"| {daemon} | {MiB(first)} | {MiB(last)} | {growth} |");
        }
        md.AppendLine();
        md.AppendLine(unexpectedExits.Count == 0 ? "No daemon exited on its own." : "Daemons that exited on their own: " + string.Join("; ", unexpectedExits) + ".");
        md.AppendLine();
        md.AppendLine("Faults and rolling updates in order:");
        var timeline = faults.Select(f => (f.Started, "- " + f.Describe()))
            .Concat(rollouts.Started.Select(r => (r.At, string.Create(c, $"- +{r.At.TotalSeconds,6:0.0} s  rolling update to {r.Image}{(r.Applied ? "" : " (NOT APPLIED)")}"))));
        foreach (var (_, line) in timeline.OrderBy(e => e.Item1))
            md.AppendLine(line);
        md.AppendLine();
        md.AppendLine(c, $"acknowledged writes lost: {ledger.Lost.Count}");
        return md.ToString();
    }

    private double? Mean(string daemon, TimeSpan from, TimeSpan to)
    {
        var values = rss.Where(s => s.Name == daemon && s.At >= from && s.At < to).Select(s => (double)s.Rss).ToList();
        return values.Count == 0 ? null : values.Average();
    }

    private static string Requests(List<(TimeSpan At, TimeSpan Ended, bool Ok, string? Error)> requests)
    {
        var errors = requests.Where(r => !r.Ok).ToList();
        var rate = requests.Count == 0 ? "" : (errors.Count / (double)requests.Count * 100).ToString("0.00", CultureInfo.InvariantCulture) + " %";
        var kinds = string.Join(", ", errors.GroupBy(e => e.Error).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} ×{g.Count()}"));
        return string.Create(CultureInfo.InvariantCulture, $"{requests.Count} | {errors.Count} | {rate} | {kinds}");
    }

    private static double? Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? null : sorted[(int)Math.Clamp(Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string Seconds(double? value) => value?.ToString("0.0", CultureInfo.InvariantCulture) ?? "";

    private static string MiB(double? bytes) => bytes is { } b ? (b / 1048576).ToString("0.0", CultureInfo.InvariantCulture) : "";
}
