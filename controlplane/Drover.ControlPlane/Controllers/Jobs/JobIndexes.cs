using System.Globalization;
using System.Text;
using Drover.Api;

namespace Drover.ControlPlane.Controllers.Jobs;

/// <summary>
/// Completion indexes of Indexed Jobs: a pod's index (its <see cref="JobLabels.CompletionIndex"/> annotation), and
/// status.completedIndexes as Kubernetes writes it, ascending ranges joined by commas ("1,3-5,7").
/// </summary>
public static class JobIndexes
{
    public const string Indexed = "Indexed";

    /// <summary>The pod's completion index, or null when it has none or not a number (such a pod is not counted).</summary>
    public static int? Of(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var text = pod.Metadata.Annotations?.GetValueOrDefault(JobLabels.CompletionIndex)
            ?? pod.Metadata.Labels?.GetValueOrDefault(JobLabels.CompletionIndex);
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : null;
    }

    /// <summary>
    /// The indexes in <paramref name="text"/> below <paramref name="completions"/>; what cannot be read is skipped
    /// (the status is ours, but a hand-edited one must not stop the Job), and a range is clipped to the completions.
    /// </summary>
    public static SortedSet<int> Parse(string? text, int completions)
    {
        var indexes = new SortedSet<int>();
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var first = dash < 0 ? part : part[..dash];
            var last = dash < 0 ? part : part[(dash + 1)..];
            if (!int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var from)
                || !int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var to))
                continue;
            for (var i = from; i <= Math.Min(to, completions - 1); i++)
                indexes.Add(i);
        }
        return indexes;
    }

    public static string? Format(IEnumerable<int> indexes)
    {
        ArgumentNullException.ThrowIfNull(indexes);
        var text = new StringBuilder();
        int? start = null, previous = null;
        foreach (var index in indexes.Order())
        {
            if (previous is { } p && index == p + 1)
            {
                previous = index;
                continue;
            }
            Append(text, start, previous);
            start = previous = index;
        }
        Append(text, start, previous);
        return text.Length == 0 ? null : text.ToString();
    }

    /// <summary>The lowest <paramref name="count"/> indexes below <paramref name="completions"/> that are in neither set.</summary>
    public static List<int> FirstMissing(int completions, ISet<int> completed, ISet<int> active, int count)
    {
        ArgumentNullException.ThrowIfNull(completed);
        ArgumentNullException.ThrowIfNull(active);
        var missing = new List<int>();
        for (var i = 0; i < completions && missing.Count < count; i++)
        {
            if (!completed.Contains(i) && !active.Contains(i))
                missing.Add(i);
        }
        return missing;
    }

    private static void Append(StringBuilder text, int? start, int? end)
    {
        if (start is not { } from || end is not { } to)
            return;
        if (text.Length > 0)
            text.Append(',');
        text.Append(from.ToString(CultureInfo.InvariantCulture));
        if (to > from)
            text.Append('-').Append(to.ToString(CultureInfo.InvariantCulture));
    }
}
